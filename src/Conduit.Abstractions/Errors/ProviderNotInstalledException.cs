namespace Conduit;

/// <summary>The agent CLI for a provider could not be found or started.</summary>
public sealed class ProviderNotInstalledException : ConduitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="executable">The executable that was looked for.</param>
    /// <param name="installHint">How to install it, e.g. <c>npm install -g @anthropic-ai/claude-code</c>.</param>
    /// <param name="innerException">The launch failure, if any.</param>
    public ProviderNotInstalledException(string provider, string executable, string installHint, Exception? innerException = null)
        : base($"{executable} not found: install it with `{installHint}`, or set conduit.runners.{provider}.executable to its path.", innerException)
    {
        Provider = provider;
        Executable = executable;
        InstallHint = installHint;
    }

    /// <summary>The provider.</summary>
    public string Provider { get; }

    /// <summary>The executable that was looked for.</summary>
    public string Executable { get; }

    /// <summary>How to install it.</summary>
    public string InstallHint { get; }
}
