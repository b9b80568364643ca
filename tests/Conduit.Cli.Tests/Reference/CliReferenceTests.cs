using Conduit.Cli.Hosting;
using Conduit.Tests;
using Xunit;

namespace Conduit.Cli.Tests.Reference;

public sealed class CliReferenceTests
{
    [Fact]
    public void The_cli_reference_in_docs_matches_the_command_definitions()
    {
        var environment = new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = Path.GetTempPath() };
        var reference = CliReferenceWriter.Write(ConduitCli.BuildRootCommand(environment));

        GeneratedDocument.AssertMatches("docs/cli-reference.md", reference);
    }

    [Fact]
    public void The_cli_reference_lists_every_command_with_its_options()
    {
        var environment = new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = Path.GetTempPath() };
        var reference = CliReferenceWriter.Write(ConduitCli.BuildRootCommand(environment));

        Assert.Contains("\n## conduit chat\n", reference);
        Assert.Contains("| `--runner`, `-r` `<runner>` |", reference);
        Assert.Contains("\n## conduit runs start\n", reference);
        Assert.Contains("[`conduit serve`](#conduit-serve)", reference);
        Assert.DoesNotContain("`--help`, `-h`", reference);
    }
}
