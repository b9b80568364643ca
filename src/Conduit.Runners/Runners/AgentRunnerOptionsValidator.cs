using Microsoft.Extensions.Options;

namespace Conduit.Runners;

/// <summary>Checks <see cref="AgentRunnerOptions"/> when the host starts.</summary>
internal sealed class AgentRunnerOptionsValidator : IValidateOptions<AgentRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"conduit.runners.{name}";
        var failures = new List<string>();
        if (options.ExecutablePath is { } path && string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{prefix}.executable is empty; leave it unset for the provider's own command.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}.timeout must be positive (got {options.Timeout}).");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}.idleTimeout must be positive (got {options.IdleTimeout}).");
        }

        if (options.KillGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"{prefix}.killGracePeriod cannot be negative (got {options.KillGracePeriod}).");
        }

        foreach (var key in options.Environment.Keys)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                failures.Add($"{prefix}.env has an invalid variable name \"{key}\".");
            }
        }

        foreach (var pattern in options.PassEnvironment)
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                failures.Add($"{prefix}.passEnvironment has an empty entry.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
