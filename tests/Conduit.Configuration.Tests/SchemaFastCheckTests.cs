using Conduit.Configuration.Parsing;
using Xunit;

namespace Conduit.Configuration.Tests;

/// <summary>
/// The quick schema check must accept what a user writes (or NJsonSchema is loaded for every valid file after all) and
/// must never accept what NJsonSchema rejects (or validation would be weaker).
/// </summary>
public sealed class SchemaFastCheckTests
{
    public static TheoryData<string> ValidFiles => new()
    {
        "",
        "conduit:\n",
        "other: 1\nconduit:\n  defaultRunner: codex/gpt-5\n",
        """
        conduit:
          defaultRunner: codex
          stateDir: ~/.conduit
          project: { id: billing-service }
          projects:
            billing-service: { path: /repos/billing-service }
          runners:
            codex: { args: ["--approval-mode", "on-request"], env: { A: "1", B: 2, C: true, D: null } }
            claude: { executable: /usr/bin/claude, timeout: 30m }
          server:
            port: 8888
            allowInit: false
            debug: true
            enableDocs: true
            queue: { maxQueuedRuns: null, maxActiveRuns: 4 }
            throttling: { enabled: false, windowMs: 60000, maxRequests: 60, key: ip }
            requestControls: { cwd: disabled, db: read_only, args: read_write }
          prices:
            my-model: { inputPerMillion: 3, outputPerMillion: 15.5 }
          runs: { defaultTimeout: 600 }
        """,
    };

    public static TheoryData<string> InvalidFiles => new()
    {
        "conduit: 5\n",
        "conduit:\n  defaultRuner: codex\n",
        "conduit:\n  defaultRunner: claud\n",
        "conduit:\n  defaultRunner: 7\n",
        "conduit:\n  stateDir: \"\"\n",
        "conduit:\n  project: {}\n",
        "conduit:\n  project: { id: \"-bad\" }\n",
        "conduit:\n  projects:\n    a: { paths: /x }\n",
        "conduit:\n  projects:\n    a: {}\n",
        "conduit:\n  runners:\n    clod: {}\n",
        "conduit:\n  runners:\n    codex: { args: --x }\n",
        "conduit:\n  runners:\n    codex: { args: [1] }\n",
        "conduit:\n  runners:\n    codex: { env: { A: [1] } }\n",
        "conduit:\n  server: 8888\n",
        "conduit:\n  server:\n    port: -1\n",
        "conduit:\n  server:\n    port: 70000\n",
        "conduit:\n  server:\n    port: 80.5\n",
        "conduit:\n  server:\n    queue: { maxActiveRuns: lots }\n",
        "conduit:\n  server:\n    requestControls: { cwd: open }\n",
        "conduit:\n  server:\n    throttling: { windowMS: 10 }\n",
        "conduit:\n  runs: { defaultTimeout: soon }\n",
    };

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void A_valid_file_passes_the_quick_check_and_NJsonSchema_agrees(string yaml)
    {
        var root = Read(yaml);

        Assert.True(ConfigSchemaFastCheck.IsCertainlyValid(root));
        var diagnostics = new List<ConfigurationDiagnostic>();
        ConfigSchema.ValidateWithNJsonSchema(root, "config.yaml", diagnostics);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_invalid_file_fails_the_quick_check_and_NJsonSchema_reports_it(string yaml)
    {
        var root = Read(yaml);

        Assert.False(ConfigSchemaFastCheck.IsCertainlyValid(root));
        var diagnostics = new List<ConfigurationDiagnostic>();
        ConfigSchema.Validate(root, "config.yaml", diagnostics);
        Assert.NotEmpty(diagnostics);
    }

    [Fact]
    public void The_built_in_defaults_pass_the_quick_check()
    {
        using var tree = new TestTree();
        var configuration = tree.Load(tree.MakeDirectory("w"));
        var yaml = configuration.ToJson().ToJsonString();

        // JSON is YAML: the effective configuration, defaults included, read back as a file would be.
        Assert.True(ConfigSchemaFastCheck.IsCertainlyValid(Read(yaml)));
    }

    private static ConfigNode Read(string yaml)
    {
        var diagnostics = new List<ConfigurationDiagnostic>();
        var node = YamlConfigReader.Read(yaml, "config.yaml", ConfigurationOrigin.Default, diagnostics);
        Assert.Empty(diagnostics);
        return node ?? new ConfigMap(ConfigurationOrigin.Default, 1, 1);
    }
}
