using System.CommandLine;
using Conduit.Cli.Hosting;
using Xunit;

namespace Conduit.Cli.Tests;

public sealed class VersionCommandTests
{
    [Fact]
    public async Task The_version_fast_path_prints_exactly_what_the_command_tree_prints()
    {
        using var fastOut = new StringWriter();
        var fastExit = await ConduitCli.InvokeAsync(["--version"], Environment(fastOut));

        using var treeOut = new StringWriter();
        var root = ConduitCli.BuildRootCommand(Environment(treeOut));
        var treeExit = await root.Parse(["--version"]).InvokeAsync(new InvocationConfiguration { Output = treeOut, Error = TextWriter.Null });

        Assert.Equal(0, fastExit);
        Assert.Equal(treeExit, fastExit);
        Assert.False(string.IsNullOrWhiteSpace(fastOut.ToString()));
        Assert.Equal(treeOut.ToString(), fastOut.ToString());
    }

    private static CliEnvironment Environment(TextWriter output) => new()
    {
        Out = output,
        Error = TextWriter.Null,
        WorkingDirectory = Path.GetTempPath(),
    };
}
