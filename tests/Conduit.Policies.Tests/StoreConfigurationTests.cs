using Conduit.Configuration;
using Xunit;

namespace Conduit.Policies.Tests;

public sealed class StoreConfigurationTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("conduit-store-config-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Without_a_connection_string_the_run_store_is_db_sqlite_in_the_state_directory()
    {
        var settings = Load("conduit:\n  stateDir: state\n");

        var options = new ConduitRunsOptions().ConfigureFrom(settings);

        Assert.Null(options.DatabasePath);
        Assert.Equal($"Data Source={Path.Combine(settings.StateDirectory, "db.sqlite")}", settings.Store.EffectiveConnectionString);
    }

    [Fact]
    public async Task The_sqlite_connection_string_names_the_file_the_orchestrator_stores_runs_in()
    {
        var settings = Load("conduit:\n  stateDir: state\n  store: { provider: sqlite, connectionString: \"Data Source=elsewhere/runs.db\" }\n");

        var options = new ConduitRunsOptions().ConfigureFrom(settings);
        options.ExecuteRuns = false;

        Assert.Equal(Path.Combine(settings.StateDirectory, "elsewhere", "runs.db"), options.DatabasePath);
        await using var project = new TestProject();
        project.WritePolicy("p", "policy_id: p\ntask_id: t\n");
        var orchestrator = project.CreateOrchestrator(o =>
        {
            o.DatabasePath = options.DatabasePath;
            o.ExecuteRuns = false;
        });
        var run = await orchestrator.SubmitAsync(new RunSubmission { ProjectId = "demo", PolicyId = "p", Input = [] });

        Assert.True(File.Exists(options.DatabasePath));
        Assert.False(File.Exists(Path.Combine(project.StateDirectory, "db.sqlite")));
        Assert.Equal(run.RunId, (await orchestrator.GetAsync(run.RunId))?.RunId);
    }

    [Fact]
    public void A_connection_string_without_a_file_is_refused_with_the_key_named()
    {
        var settings = Load("conduit:\n  store: { connectionString: \"Mode=Memory\" }\n");

        var error = Assert.Throws<ConduitException>(() => new ConduitRunsOptions().ConfigureFrom(settings));

        Assert.Contains("conduit.store.connectionString", error.Message, StringComparison.Ordinal);
    }

    private ConduitSettings Load(string yaml)
    {
        var conduitHome = Directory.CreateDirectory(Path.Combine(_home, ".conduit")).FullName;
        File.WriteAllText(Path.Combine(conduitHome, "config.yaml"), yaml);
        return ConduitConfigurationLoader.Load(new ConfigurationLoadOptions
        {
            WorkingDirectory = _home,
            HomeDirectory = _home,
            ConduitHome = conduitHome,
            GetEnvironmentVariable = _ => null,
            IncludeProjectFile = false,
        }).Settings;
    }
}
