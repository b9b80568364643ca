using Conduit.Runners.Parsing;

namespace Conduit.Runners.Providers;

/// <summary>
/// Gemini CLI: <c>gemini -p &lt;prompt&gt; -o stream-json --skip-trust [-m M] [-r ID] [--approval-mode MODE]
/// &lt;args&gt;</c>. A prompt starting with '-' or too long for argv goes on stdin with no <c>-p</c> (the captured
/// stdin run shows gemini then runs headless on it).
/// </summary>
/// <remarks>The turn limit is only a setting (<c>model.maxSessionTurns</c>): MaxTurns gives a warning.</remarks>
internal sealed class GeminiCli : AgentCli
{
    public override string Provider => AgentProviders.Gemini;

    public override string DefaultExecutable => "gemini";

    public override string InstallHint => "npm install -g @google/gemini-cli";

    public override AgentInvocation BuildInvocation(AgentRequest request, IReadOnlyList<string> extraArgs)
    {
        var stdin = PromptGoesOnStdin(request.Prompt);
        var args = new List<string>();
        if (!stdin)
        {
            args.AddRange(["-p", request.Prompt]);
        }

        args.AddRange(["-o", "stream-json", "--skip-trust"]);
        if (request.EffectiveModel is { } model)
        {
            args.AddRange(["-m", model]);
        }

        if (request.ResumeSessionId is { } resume)
        {
            args.AddRange(["-r", resume]);
        }

        if (request.PermissionMode is { } mode)
        {
            args.AddRange(["--approval-mode", ApprovalMode(mode)]);
        }

        args.AddRange(extraArgs);
        var warnings = request.MaxTurns is { } maxTurns
            ? [MaxTurnsUnsupported(Provider, maxTurns, "set model.maxSessionTurns in gemini's settings.json instead")]
            : Array.Empty<string>();
        return new AgentInvocation { Arguments = args, StandardInput = stdin ? request.Prompt : null, Warnings = warnings };
    }

    public override IAgentStreamParser CreateParser(AgentStreamParserContext context) => new GeminiStreamParser(context);

    internal static string ApprovalMode(AgentPermissionMode mode) => mode switch
    {
        AgentPermissionMode.ReadOnly => "plan",
        AgentPermissionMode.AcceptEdits => "auto_edit",
        AgentPermissionMode.FullAccess => "yolo",
        _ => "default",
    };
}
