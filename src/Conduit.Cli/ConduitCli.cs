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
        root.Options.Add(Daemon.DaemonAddress.CreateOption());
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
        if (args is ["--version"])
        {
            // The common probe answers without building the command tree (most of the start-up time): the same text
            // System.CommandLine's --version prints.
            await environment.Out.WriteLineAsync(ExecutableVersion()).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var (own, passthrough) = SplitPassthrough(args);
        environment = environment.WithPassthroughArguments(passthrough);
        var root = BuildRootCommand(environment);
        // No response files: "@file" is a value here (runs create --input @in.json), as in the original Conduit.
        var parseResult = root.Parse(ExpandBarePrompt(own, root), new ParserConfiguration { ResponseFileTokenReplacer = null });
        var configuration = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);

        // System.CommandLine answers a parse error (unknown flag, missing argument) with 1; ours is a usage error (docs/cli.md).
        return parseResult.Errors.Count > 0 && exitCode == 1 ? ExitCodes.UsageError : exitCode;
    }

    /// <summary>What <c>--version</c> prints: the entry assembly's informational version, as System.CommandLine does.</summary>
    private static string ExecutableVersion()
    {
        var assembly = System.Reflection.Assembly.GetEntryAssembly() ?? typeof(ConduitCli).Assembly;
        return assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), inherit: false) is [System.Reflection.AssemblyInformationalVersionAttribute attribute, ..]
            ? attribute.InformationalVersion
            : assembly.GetName().Version?.ToString() ?? string.Empty;
    }

    /// <summary>Everything after the first standalone <c>--</c> belongs to the agent CLI.</summary>
    private static (string[] Own, string[]? Passthrough) SplitPassthrough(string[] args)
    {
        var index = Array.IndexOf(args, "--");
        return index < 0 ? (args, null) : (args[..index], args[(index + 1)..]);
    }

    /// <summary>
    /// The original Conduit's shorthand: <c>conduit "fix it"</c> means <c>conduit chat "fix it"</c> (also after a leading
    /// global <c>--base-url URL</c>).
    /// </summary>
    private static string[] ExpandBarePrompt(string[] args, RootCommand root)
    {
        var first = 0;
        if (args.Length > 0 && args[0] == Daemon.DaemonAddress.OptionName)
        {
            first = 2;
        }
        else if (args.Length > 0 && args[0].StartsWith(Daemon.DaemonAddress.OptionName + "=", StringComparison.Ordinal))
        {
            first = 1;
        }

        if (args.Length <= first || args[first].StartsWith('-'))
        {
            return args;
        }

        var isCommand = root.Subcommands.Any(c => c.Name == args[first] || c.Aliases.Contains(args[first]));
        return isCommand ? args : [.. args[..first], "chat", .. args[first..]];
    }
}
