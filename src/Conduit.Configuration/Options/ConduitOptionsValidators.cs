using Microsoft.Extensions.Options;

namespace Conduit.Configuration.Options;

/// <summary>Checks the options that code (not only files) can change, so a bad value fails at startup.</summary>
internal sealed class ConduitOptionsValidator :
    IValidateOptions<ConduitOptions>,
    IValidateOptions<ConduitServerOptions>,
    IValidateOptions<ConduitQueueOptions>,
    IValidateOptions<ConduitThrottlingOptions>,
    IValidateOptions<ConduitStoreOptions>,
    IValidateOptions<ConduitRunsOptions>,
    IValidateOptions<ConduitRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, ConduitOptions options)
    {
        var provider = options.DefaultRunner.Split('/', ':')[0];
        var failures = new List<string>();
        if (!AgentProviders.IsKnown(provider))
        {
            failures.Add($"conduit.defaultRunner: \"{options.DefaultRunner}\" is not one of: {string.Join(", ", AgentProviders.All)}");
        }

        if (!Path.IsPathFullyQualified(options.StateDirectory))
        {
            failures.Add($"conduit.stateDir: \"{options.StateDirectory}\" must be an absolute path");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ConduitServerOptions options) => Result(
        options.Port is < 0 or > 65535 ? $"conduit.server.port: {options.Port} is not a port (0-65535)" : null,
        string.IsNullOrWhiteSpace(options.Host) ? "conduit.server.host must not be empty" : null);

    public ValidateOptionsResult Validate(string? name, ConduitQueueOptions options) => Result(
        options.MaxQueuedRuns < 1 ? $"conduit.server.queue.maxQueuedRuns: {options.MaxQueuedRuns} must be at least 1 (or null)" : null,
        options.MaxActiveRuns < 1 ? $"conduit.server.queue.maxActiveRuns: {options.MaxActiveRuns} must be at least 1 (or null)" : null);

    public ValidateOptionsResult Validate(string? name, ConduitThrottlingOptions options) => Result(
        options.Window <= TimeSpan.Zero ? "conduit.server.throttling.windowMs must be at least 1" : null,
        options.MaxRequests < 1 ? "conduit.server.throttling.maxRequests must be at least 1" : null);

    public ValidateOptionsResult Validate(string? name, ConduitStoreOptions options) => Result(
        options.Provider is not ("sqlite" or "postgres") ? $"conduit.store.provider: \"{options.Provider}\" is not supported (sqlite or postgres)" : null,
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? options.Provider == "postgres"
                ? "conduit.store.connectionString is required when conduit.store.provider is postgres (an Npgsql connection string)"
                : "conduit.store.connectionString must not be empty"
            : null);

    public ValidateOptionsResult Validate(string? name, ConduitRunsOptions options) => Result(
        options.DefaultTimeout <= TimeSpan.Zero ? "conduit.runs.defaultTimeout must be positive (or null)" : null);

    public ValidateOptionsResult Validate(string? name, ConduitRunnerOptions options) => Result(
        options.Timeout <= TimeSpan.Zero ? $"conduit.runners.{name}.timeout must be positive (or null)" : null,
        options.IdleTimeout <= TimeSpan.Zero ? $"conduit.runners.{name}.idleTimeout must be positive (or null)" : null,
        options.Executable is { Length: 0 } ? $"conduit.runners.{name}.executable must not be empty" : null);

    private static ValidateOptionsResult Result(params string?[] failures) => Result(failures.OfType<string>().ToList());

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
