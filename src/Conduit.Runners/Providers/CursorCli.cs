using Conduit.Runners.Parsing;

namespace Conduit.Runners.Providers;

/// <summary>
/// Cursor Agent: <c>cursor-agent -p &lt;prompt&gt; --output-format stream-json [--model M] [--resume ID] [--force]
/// [--workspace DIR] &lt;args&gt;</c>. Cursor's stdin support is undocumented, so a prompt starting with '-' is
/// passed last after <c>--</c> (the end-of-options marker) instead.
/// </summary>
/// <remarks>
/// Cursor has one permission switch: <c>--force</c> (apply edits and run commands) for AcceptEdits and FullAccess;
/// Default and ReadOnly pass nothing. It has no turn limit: MaxTurns gives a warning.
/// </remarks>
internal sealed class CursorCli : AgentCli
{
    public override string Provider => AgentProviders.Cursor;

    public override string DefaultExecutable => "cursor-agent";

    public override string InstallHint => "curl https://cursor.com/install -fsS | bash";

    public override AgentInvocation BuildInvocation(AgentRequest request, IReadOnlyList<string> extraArgs)
    {
        var promptLast = request.Prompt.StartsWith('-');
        var args = new List<string> { "-p" };
        if (!promptLast)
        {
            args.Add(request.Prompt);
        }

        args.AddRange(["--output-format", "stream-json"]);
        if (request.EffectiveModel is { } model)
        {
            args.AddRange(["--model", model]);
        }

        if (request.ResumeSessionId is { } resume)
        {
            args.AddRange(["--resume", resume]);
        }

        if (request.PermissionMode is AgentPermissionMode.AcceptEdits or AgentPermissionMode.FullAccess)
        {
            args.Add("--force");
        }

        if (request.WorkingDirectory is { } cwd)
        {
            args.AddRange(["--workspace", cwd]);
        }

        args.AddRange(extraArgs);
        if (promptLast)
        {
            args.AddRange(["--", request.Prompt]);
        }

        var warnings = new List<string>();
        if (request.MaxTurns is { } maxTurns)
        {
            warnings.Add(MaxTurnsUnsupported(Provider, maxTurns, "cursor-agent has no turn limit"));
        }

        if (request.PermissionMode is AgentPermissionMode.ReadOnly)
        {
            warnings.Add("cursor-agent has no read-only flag; without --force it does not apply edits");
        }

        return new AgentInvocation { Arguments = args, Warnings = warnings };
    }

    public override IAgentStreamParser CreateParser(AgentStreamParserContext context) => new CursorStreamParser(context);
}
