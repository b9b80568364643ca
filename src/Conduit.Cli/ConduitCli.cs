using System.CommandLine;
using Conduit.Cli.Commands;
using Conduit.Cli.Hosting;

namespace Conduit.Cli;

/// <summary>Builds the <c>conduit</c> command tree and runs it. Tests call <see cref="InvokeAsync"/> in-process.</summary>
public static class ConduitCli
{
    /// <summary>Builds the root command for <paramref name="environment"/>.</summary>
    public static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = new RootCommand("Conduit: run coding agents (Claude Code, Codex, Gemini CLI, Cursor Agent) as programmable workers.");
        foreach (var command in CommandCatalog.Create(environment))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var root = BuildRootCommand(environment);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
