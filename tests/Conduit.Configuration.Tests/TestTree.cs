namespace Conduit.Configuration.Tests;

/// <summary>A temporary directory with a fake home (holding the default CONDUIT_HOME) and a place for projects; never the real home.</summary>
internal sealed class TestTree : IDisposable
{
    public TestTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "conduit-config-tests-" + Guid.NewGuid().ToString("N"));
        Home = Path.Combine(Root, "home");
        ConduitHome = Path.Combine(Home, ".conduit");
        Directory.CreateDirectory(ConduitHome);
    }

    public string Root { get; }

    public string Home { get; }

    public string ConduitHome { get; }

    public string GlobalFile => Path.Combine(ConduitHome, "config.yaml");

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string WriteGlobal(string text)
    {
        File.WriteAllText(GlobalFile, text);
        return GlobalFile;
    }

    public string MakeDirectory(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(path);
        return path;
    }

    public ConfigurationLoadOptions Options(string workingDirectory, IReadOnlyList<ConfigurationOverride>? overrides = null, string? conduitHome = null) => new()
    {
        WorkingDirectory = workingDirectory,
        Overrides = overrides ?? [],
        GetEnvironmentVariable = name => name switch
        {
            "HOME" => Home,
            "CONDUIT_HOME" => conduitHome,
            _ => null,
        },
    };

    public ConduitConfiguration Load(string workingDirectory, IReadOnlyList<ConfigurationOverride>? overrides = null) =>
        ConduitConfigurationLoader.Load(Options(workingDirectory, overrides));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
