using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class ExampleTests : IDisposable
{
    /// <summary>The example of issue 13, verbatim (it shows the keys of both files in one).</summary>
    private const string IssueExample = """
        conduit:
          defaultRunner: codex
          stateDir: ~/.conduit
          project: { id: billing-service }        # project file only
          projects:                               # global file only
            billing-service: { path: /repos/billing-service }
          runners:
            codex: { args: ["--approval-mode", "on-request"] }
          server:
            port: 8888
            allowInit: false
            debug: true
            enableDocs: true
            queue: { maxQueuedRuns: null, maxActiveRuns: null }
            throttling: { enabled: false, windowMs: 60000, maxRequests: 60, key: ip }
            requestControls: { cwd: disabled, db: disabled, args: disabled }   # disabled | read_only | read_write
        """;

    /// <summary>The seed document's example with its indentation restored (original-conduit.md, section 4).</summary>
    private const string SeedExample = """
        conduit:
          defaultRunner: codex
          stateDir: ~/.conduit
          projects:
            billing-service:
              path: /repos/billing-service
            conduit:
              path: /repos/conduit
          runners:
            codex:
              args: ["--approval-mode", "on-request"]
            claude:
              args: ["--verbose"]
          server:
            port: 8888
            allowInit: false
            debug: true
            enableDocs: true
            queue:
              maxQueuedRuns: null
              maxActiveRuns: null
            throttling:
              enabled: false
              windowMs: 60000
              maxRequests: 60
              key: ip
            requestControls:
              cwd: disabled
              db: disabled
              args: disabled
        """;

    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void The_issue_example_validates_as_written()
    {
        var file = tree.Write("example.yaml", IssueExample);

        Assert.Empty(ConduitConfigurationLoader.ValidateFile(file, ConfigurationFileRole.Standalone));
    }

    [Fact]
    public void The_issue_example_loads_as_written_when_split_by_its_comments_into_global_and_project_files()
    {
        var lines = IssueExample.Split('\n');
        tree.WriteGlobal(string.Join('\n', lines.Where(l => !l.Contains("project file only", StringComparison.Ordinal))));
        tree.Write("billing-service/.conduit/config.yaml", string.Join('\n', lines.Where(l => !l.Contains("global file only", StringComparison.Ordinal) && !l.Contains("billing-service: { path", StringComparison.Ordinal))));

        var configuration = tree.Load(tree.MakeDirectory("billing-service/src"));

        var settings = configuration.Settings;
        Assert.Equal("codex", settings.DefaultRunner);
        Assert.Equal(Path.Combine(tree.Home, ".conduit"), settings.StateDirectory);
        Assert.Equal("billing-service", settings.ProjectId);
        Assert.Equal("/repos/billing-service", settings.Projects["billing-service"]);
        Assert.Equal(["--approval-mode", "on-request"], configuration.GetRunner("codex").Args);
        Assert.Equal(8888, settings.Server.Port);
        Assert.False(settings.Server.AllowInit);
        Assert.True(settings.Server.Debug);
        Assert.True(settings.Server.EnableDocs);
        Assert.Null(settings.Server.Queue.MaxActiveRuns);
        Assert.Equal(ThrottlingKey.Ip, settings.Server.Throttling.Key);
        Assert.Equal(RequestControlMode.Disabled, settings.Server.RequestControls.Args);
        Assert.Equal("project", configuration.GetOrigin("server.port")!.LayerName);
    }

    [Fact]
    public void The_issue_example_loads_as_written_as_the_global_file()
    {
        tree.WriteGlobal(IssueExample);

        var configuration = tree.Load(tree.MakeDirectory("w"));

        Assert.Equal("codex", configuration.Settings.DefaultRunner);
        Assert.Equal("/repos/billing-service", configuration.Settings.Projects["billing-service"]);
        Assert.Equal(["--approval-mode", "on-request"], configuration.GetRunner("codex").Args);
        Assert.Null(configuration.Settings.ProjectId);
        Assert.Equal("global", configuration.GetOrigin("server.port")!.LayerName);
    }

    [Fact]
    public void The_seed_example_loads_as_the_global_file()
    {
        tree.WriteGlobal(SeedExample);

        var configuration = tree.Load(tree.MakeDirectory("w"));

        Assert.Equal(["/repos/billing-service", "/repos/conduit"], configuration.Settings.Projects.Values.Order());
        Assert.Equal(["--verbose"], configuration.GetRunner("claude").Args);
    }
}
