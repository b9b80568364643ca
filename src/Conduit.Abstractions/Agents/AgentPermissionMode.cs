namespace Conduit;

/// <summary>
/// One vocabulary for what an agent may do without asking, mapped onto each CLI's own flags
/// (Claude <c>--permission-mode</c>, Codex <c>--sandbox</c>, Gemini <c>--approval-mode</c>, Cursor <c>--force</c>).
/// </summary>
public enum AgentPermissionMode
{
    /// <summary>The CLI's own default for headless runs (usually: no writes without approval, which headless means denied).</summary>
    Default = 0,

    /// <summary>Read and plan only; every write or command is refused.</summary>
    ReadOnly,

    /// <summary>File edits in the working directory are accepted; other risky tools still need approval.</summary>
    AcceptEdits,

    /// <summary>Everything is allowed, including shell commands. Use only in a sandbox.</summary>
    FullAccess,
}
