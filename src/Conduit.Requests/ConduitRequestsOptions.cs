using Microsoft.Extensions.Options;

namespace Conduit.Requests;

/// <summary>Settings of the request protocol: where state lives, which roots are allowed, and the budgets.</summary>
public sealed class ConduitRequestsOptions
{
    /// <summary>
    /// The state directory: <c>sessions.json</c> and <c>requests/&lt;runId&gt;/</c> live here.
    /// <value>Default: <c>$CONDUIT_STATE_DIR</c>, else <c>~/.conduit</c>.</value>
    /// </summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory();

    /// <summary>
    /// The allowed roots for requests outside a session (approved reviews) and the default roots of new sessions.
    /// Relative paths in requests are taken from the first root.
    /// <value>Default: the current directory.</value>
    /// </summary>
    public IList<string> AllowedRoots { get; set; } = [Environment.CurrentDirectory];

    /// <summary>The most actions in one request. <value>Default: 5.</value></summary>
    public int MaxActionsPerRequest { get; set; } = 5;

    /// <summary>The most actions over a session's life. <value>Default: 100.</value></summary>
    public int MaxTotalActionsPerSession { get; set; } = 100;

    /// <summary>The most characters of output one tool returns. <value>Default: 30,000.</value></summary>
    public int MaxToolOutputChars { get; set; } = 30_000;

    /// <summary>The most time one request's actions may take together. <value>Default: 300 s.</value></summary>
    public TimeSpan MaxRuntime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The most characters of a rendered clipboard result. <value>Default: 30,000.</value></summary>
    public int MaxClipboardResultChars { get; set; } = 30_000;

    /// <summary>The timeout of one <c>shell.run</c> (and of each git call). <value>Default: 30 s.</value></summary>
    public TimeSpan ShellTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a nonce stays valid after it is issued. <value>Default: 1 hour.</value></summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a session lives; <see langword="null"/> for no expiry. <value>Default: 24 hours.</value></summary>
    public TimeSpan? SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a review waits for a decision, and how long an approval stays usable. <value>Default: 10 minutes.</value></summary>
    public TimeSpan ApprovalLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The runner <c>agent.chat</c> uses when the action names none. <value>Default: <c>claude</c>.</value></summary>
    public string DefaultAgentRunner { get; set; } = AgentProviders.Claude;

    private static string DefaultStateDirectory() =>
        Environment.GetEnvironmentVariable("CONDUIT_STATE_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".conduit");
}

/// <summary>Validates <see cref="ConduitRequestsOptions"/> at startup.</summary>
internal sealed class ConduitRequestsOptionsValidator : IValidateOptions<ConduitRequestsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConduitRequestsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            failures.Add("ConduitRequestsOptions.StateDirectory must be set.");
        }

        if (options.AllowedRoots.Count == 0 || options.AllowedRoots.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("ConduitRequestsOptions.AllowedRoots needs at least one non-empty directory.");
        }

        if (options.MaxActionsPerRequest < 1 || options.MaxTotalActionsPerSession < 1 || options.MaxToolOutputChars < 1 || options.MaxClipboardResultChars < 1000)
        {
            failures.Add("ConduitRequestsOptions budgets must be positive (MaxClipboardResultChars at least 1000).");
        }

        if (options.MaxRuntime <= TimeSpan.Zero || options.ShellTimeout <= TimeSpan.Zero || options.NonceLifetime <= TimeSpan.Zero || options.ApprovalLifetime <= TimeSpan.Zero
            || options.SessionLifetime is { } l && l <= TimeSpan.Zero)
        {
            failures.Add("ConduitRequestsOptions time limits must be positive.");
        }

        if (!RunnerSpec.TryParse(options.DefaultAgentRunner, out _))
        {
            failures.Add($"ConduitRequestsOptions.DefaultAgentRunner \"{options.DefaultAgentRunner}\" is not a runner spec (provider or provider/model).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
