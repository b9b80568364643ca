using Conduit.Runners.Parsing;

namespace Conduit.Runners.Providers;

/// <summary>
/// Claude Code: <c>claude -p [prompt] --output-format stream-json --verbose [--model M] [--resume ID]
/// [--permission-mode MODE] [--max-turns N] &lt;args&gt;</c>. The prompt goes on stdin (with <c>-p</c> and no prompt
/// argument) when it starts with '-' or is very long. There is no cwd flag: the process runs in the working directory.
/// </summary>
internal sealed class ClaudeCli : AgentCli
{
    public override string Provider => AgentProviders.Claude;

    public override string DefaultExecutable => "claude";

    public override string InstallHint => "npm install -g @anthropic-ai/claude-code";

    public override AgentInvocation BuildInvocation(AgentRequest request, IReadOnlyList<string> extraArgs)
    {
        var stdin = PromptGoesOnStdin(request.Prompt);
        var args = new List<string> { "-p" };
        if (!stdin)
        {
            args.Add(request.Prompt);
        }

        args.AddRange(["--output-format", "stream-json", "--verbose"]);
        if (request.EffectiveModel is { } model)
        {
            args.AddRange(["--model", model]);
        }

        if (request.ResumeSessionId is { } resume)
        {
            args.AddRange(["--resume", resume]);
        }

        if (request.PermissionMode is { } mode)
        {
            args.AddRange(["--permission-mode", PermissionModeFlag(mode)]);
        }

        if (request.MaxTurns is { } maxTurns)
        {
            args.AddRange(["--max-turns", Number(maxTurns)]);
        }

        args.AddRange(extraArgs);
        return new AgentInvocation { Arguments = args, StandardInput = stdin ? request.Prompt : null };
    }

    public override IAgentStreamParser CreateParser(AgentStreamParserContext context) => new ClaudeStreamParser(context);

    internal static string PermissionModeFlag(AgentPermissionMode mode) => mode switch
    {
        AgentPermissionMode.ReadOnly => "plan",
        AgentPermissionMode.AcceptEdits => "acceptEdits",
        AgentPermissionMode.FullAccess => "bypassPermissions",
        _ => "default",
    };
}
