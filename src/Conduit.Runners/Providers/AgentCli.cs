using System.Globalization;
using System.Text;
using Conduit.Runners.Parsing;

namespace Conduit.Runners.Providers;

/// <summary>What Conduit knows about one agent CLI: its executable, how to install it, its flags and its stream.</summary>
internal abstract class AgentCli
{
    /// <summary>Prompts longer than this many UTF-8 bytes go on stdin (Linux caps one argv element at 128 KiB).</summary>
    internal const int MaxPromptArgumentBytes = 100_000;

    /// <summary>The provider name (<see cref="AgentProviders"/>).</summary>
    public abstract string Provider { get; }

    /// <summary>The executable looked up on PATH by default.</summary>
    public abstract string DefaultExecutable { get; }

    /// <summary>The command that installs the CLI.</summary>
    public abstract string InstallHint { get; }

    /// <summary>Maps <paramref name="request"/> onto the CLI's flags; <paramref name="extraArgs"/> are appended verbatim.</summary>
    public abstract AgentInvocation BuildInvocation(AgentRequest request, IReadOnlyList<string> extraArgs);

    /// <summary>A fresh parser for one run.</summary>
    public abstract IAgentStreamParser CreateParser(AgentStreamParserContext context);

    /// <summary>Whether the prompt must go on stdin: it would read as a flag, or it is too long for one argv element.</summary>
    protected static bool PromptGoesOnStdin(string prompt) =>
        prompt.StartsWith('-') || Encoding.UTF8.GetByteCount(prompt) > MaxPromptArgumentBytes;

    protected static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string MaxTurnsUnsupported(string provider, int maxTurns, string hint) =>
        $"{provider} has no turn-limit flag; MaxTurns={Number(maxTurns)} was not applied ({hint})";
}
