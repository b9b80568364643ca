using Conduit.Runners.Parsing;

namespace Conduit.Runners.Providers;

/// <summary>
/// Codex: <c>codex exec --json --skip-git-repo-check [-m M] [-C cwd] [-s read-only|workspace-write |
/// --dangerously-bypass-approvals-and-sandbox] &lt;args&gt; &lt;prompt|-&gt;</c>; resume
/// <c>codex exec resume &lt;id&gt; &lt;prompt|-&gt; --json --skip-git-repo-check [-m M] [sandbox] &lt;args&gt;</c>
/// (the order of the captured resume run). A prompt starting with '-' or too long for argv goes on stdin as <c>-</c>.
/// </summary>
/// <remarks>
/// On resume the sandbox is set with <c>-c sandbox_mode="..."</c> (a config override, which the captured resume run
/// shows <c>exec resume</c> accepts) and no <c>-C</c> is passed: the process runs in the working directory anyway.
/// Codex has no turn limit: MaxTurns gives a warning.
/// </remarks>
internal sealed class CodexCli : AgentCli
{
    public override string Provider => AgentProviders.Codex;

    public override string DefaultExecutable => "codex";

    public override string InstallHint => "npm install -g @openai/codex";

    public override AgentInvocation BuildInvocation(AgentRequest request, IReadOnlyList<string> extraArgs)
    {
        var stdin = PromptGoesOnStdin(request.Prompt);
        var prompt = stdin ? "-" : request.Prompt;
        var args = new List<string> { "exec" };
        if (request.ResumeSessionId is { } resume)
        {
            args.AddRange(["resume", resume, prompt, "--json", "--skip-git-repo-check"]);
            AddModel(request, args);
            if (request.PermissionMode is { } mode && SandboxMode(mode) is { } sandbox)
            {
                args.AddRange(mode == AgentPermissionMode.FullAccess
                    ? ["--dangerously-bypass-approvals-and-sandbox"]
                    : ["-c", $"sandbox_mode=\"{sandbox}\""]);
            }

            args.AddRange(extraArgs);
        }
        else
        {
            args.AddRange(["--json", "--skip-git-repo-check"]);
            AddModel(request, args);
            if (request.WorkingDirectory is { } cwd)
            {
                args.AddRange(["-C", cwd]);
            }

            if (request.PermissionMode is { } mode && SandboxMode(mode) is { } sandbox)
            {
                args.AddRange(mode == AgentPermissionMode.FullAccess ? ["--dangerously-bypass-approvals-and-sandbox"] : ["-s", sandbox]);
            }

            args.AddRange(extraArgs);
            args.Add(prompt);
        }

        var warnings = request.MaxTurns is { } maxTurns
            ? [MaxTurnsUnsupported(Provider, maxTurns, "codex exec runs one turn per invocation and has no limit flag")]
            : Array.Empty<string>();
        return new AgentInvocation { Arguments = args, StandardInput = stdin ? request.Prompt : null, Warnings = warnings };
    }

    public override IAgentStreamParser CreateParser(AgentStreamParserContext context) => new CodexStreamParser(context);

    /// <summary>The sandbox for a mode; <see langword="null"/> for the CLI's default (no flag).</summary>
    internal static string? SandboxMode(AgentPermissionMode mode) => mode switch
    {
        AgentPermissionMode.ReadOnly => "read-only",
        AgentPermissionMode.AcceptEdits => "workspace-write",
        AgentPermissionMode.FullAccess => "danger-full-access",
        _ => null,
    };

    private static void AddModel(AgentRequest request, List<string> args)
    {
        if (request.EffectiveModel is { } model)
        {
            args.AddRange(["-m", model]);
        }
    }
}
