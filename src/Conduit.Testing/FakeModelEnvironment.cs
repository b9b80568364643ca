using System.Globalization;
using System.Text.Json.Nodes;
using Conduit.Runners;

namespace Conduit.Testing;

/// <summary>
/// Everything one agent CLI needs to talk only to a <see cref="FakeModelServer"/>: environment variables (base URL,
/// fake key, retries, telemetry and update checks off, a refusing proxy for every other host), a throwaway home
/// directory with the CLI's settings files, and extra command-line arguments.
/// </summary>
/// <remarks>
/// <para>Claude Code: <c>ANTHROPIC_BASE_URL</c>, <c>ANTHROPIC_API_KEY</c>,
/// <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1</c>, <c>CLAUDE_CODE_MAX_RETRIES=0</c> (else a 401 is retried for
/// minutes), <c>IS_SANDBOX=1</c> (lets <c>--dangerously-skip-permissions</c> run as root, as in containers).</para>
/// <para>Codex: a model provider <c>conduit_fake</c> given with <c>-c</c> arguments (Responses wire API, no request or
/// stream retries), plugins, analytics and the update check off; the key in <c>CONDUIT_FAKE_MODEL_API_KEY</c>.</para>
/// <para>Gemini CLI: <c>GOOGLE_GEMINI_BASE_URL</c>, <c>GEMINI_API_KEY</c>, <c>GEMINI_CLI_TRUST_WORKSPACE=true</c>, and
/// <c>~/.gemini/settings.json</c> selecting API-key auth, with usage statistics, telemetry, auto-update and retries
/// (<c>general.maxAttempts=1</c>) off.</para>
/// <para>Every CLI: <c>HOME</c> and the XDG folders in the throwaway home, <c>HTTP(S)_PROXY</c>/<c>ALL_PROXY</c> set to
/// the server's refusing proxy and <c>NO_PROXY=127.0.0.1,localhost</c>, so nothing leaves the machine. Variables
/// with a <see langword="null"/> value (other providers' credentials) are to be removed from the child's environment.</para>
/// <para>Cursor Agent has no base-URL setting and cannot be installed from a registry: it has no fake environment.</para>
/// </remarks>
public sealed class FakeModelEnvironment : IDisposable
{
    /// <summary>The environment variable that carries Codex's fake key (named by the <c>conduit_fake</c> provider).</summary>
    public const string CodexApiKeyVariable = "CONDUIT_FAKE_MODEL_API_KEY";

    private readonly bool _ownsHome;

    /// <summary>The providers whose CLIs can talk to a fake model API: Claude Code, Codex and Gemini CLI.</summary>
    public static IReadOnlyList<string> Providers { get; } = [AgentProviders.Claude, AgentProviders.Codex, AgentProviders.Gemini];

    private FakeModelEnvironment(string provider, string homeDirectory, bool ownsHome, Dictionary<string, string?> variables, List<string> arguments)
    {
        Provider = provider;
        HomeDirectory = homeDirectory;
        _ownsHome = ownsHome;
        EnvironmentVariables = variables;
        Arguments = arguments;
    }

    /// <summary>The provider (<see cref="AgentProviders"/>).</summary>
    public string Provider { get; }

    /// <summary>The CLI's home directory (<c>HOME</c>).</summary>
    public string HomeDirectory { get; }

    /// <summary>Variables to set in the child's environment; a <see langword="null"/> value means remove the variable.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentVariables { get; }

    /// <summary>Arguments to add to the CLI's command line (after the subcommand, e.g. after <c>codex exec</c>).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Creates the environment for <paramref name="provider"/>'s CLI against <paramref name="server"/>.</summary>
    /// <exception cref="UnknownProviderException">The provider is unknown, or is Cursor Agent (no fake model API support).</exception>
    public static FakeModelEnvironment Create(FakeModelServer server, string provider, FakeModelEnvironmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var checkedProvider = CheckProvider(provider);
        options ??= new FakeModelEnvironmentOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey, nameof(options));

        var ownsHome = options.HomeDirectory is null;
        var home = options.HomeDirectory ?? Path.Combine(Path.GetTempPath(), "conduit-fake-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);

        var proxy = server.ProxyAddress.GetLeftPart(UriPartial.Authority);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_STATE_HOME"] = Path.Combine(home, ".local", "state"),
            ["HTTP_PROXY"] = proxy,
            ["HTTPS_PROXY"] = proxy,
            ["ALL_PROXY"] = proxy,
            ["http_proxy"] = proxy,
            ["https_proxy"] = proxy,
            ["all_proxy"] = proxy,
            ["NO_PROXY"] = "127.0.0.1,localhost",
            ["no_proxy"] = "127.0.0.1,localhost",
            ["DO_NOT_TRACK"] = "1",
            ["NO_UPDATE_NOTIFIER"] = "1",
        };
        var arguments = new List<string>();
        var baseUrl = server.BaseAddress.GetLeftPart(UriPartial.Authority);

        switch (checkedProvider)
        {
            case AgentProviders.Claude:
                variables["ANTHROPIC_BASE_URL"] = baseUrl;
                variables["ANTHROPIC_API_KEY"] = options.ApiKey;
                variables["ANTHROPIC_AUTH_TOKEN"] = null;
                variables["CLAUDE_CODE_OAUTH_TOKEN"] = null;
                variables["CLAUDE_CODE_USE_BEDROCK"] = null;
                variables["CLAUDE_CODE_USE_VERTEX"] = null;
                variables["CLAUDE_CONFIG_DIR"] = null;
                variables["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
                variables["CLAUDE_CODE_MAX_RETRIES"] = "0";
                variables["DISABLE_AUTOUPDATER"] = "1";
                variables["DISABLE_TELEMETRY"] = "1";
                variables["DISABLE_ERROR_REPORTING"] = "1";
                variables["IS_SANDBOX"] = "1";
                break;

            case AgentProviders.Codex:
                variables[CodexApiKeyVariable] = options.ApiKey;
                variables["OPENAI_API_KEY"] = null;
                variables["OPENAI_BASE_URL"] = null;
                variables["CODEX_HOME"] = Path.Combine(home, ".codex");
                Directory.CreateDirectory(Path.Combine(home, ".codex"));
                arguments.AddRange(
                [
                    "-c", "model_provider=conduit_fake",
                    "-c", string.Create(
                        CultureInfo.InvariantCulture,
                        $"model_providers.conduit_fake={{name=\"conduit_fake\",base_url=\"{baseUrl}/v1\",env_key=\"{CodexApiKeyVariable}\",wire_api=\"responses\",request_max_retries=0,stream_max_retries=0}}"),
                    "-c", "analytics.enabled=false",
                    "-c", "check_for_update_on_startup=false",
                    "--disable", "plugins",
                    "--disable", "remote_plugin",
                ]);
                break;

            case AgentProviders.Gemini:
                variables["GOOGLE_GEMINI_BASE_URL"] = baseUrl;
                variables["GEMINI_API_KEY"] = options.ApiKey;
                variables["GOOGLE_API_KEY"] = null;
                variables["GOOGLE_GENAI_USE_VERTEXAI"] = null;
                variables["GOOGLE_GENAI_USE_GCA"] = null;
                variables["GOOGLE_CLOUD_PROJECT"] = null;
                variables["GOOGLE_APPLICATION_CREDENTIALS"] = null;
                variables["GEMINI_CLI_TRUST_WORKSPACE"] = "true";
                WriteGeminiSettings(home, options);
                break;
        }

        return new FakeModelEnvironment(checkedProvider, home, ownsHome, variables, arguments);
    }

    /// <summary>
    /// Adds this environment to a runner's options: the variables to <see cref="AgentRunnerOptions.Environment"/>, the
    /// arguments to <see cref="AgentRunnerOptions.DefaultArgs"/>. Use it in <c>ConfigureRunner(provider, o =&gt; environment.ApplyTo(o))</c>.
    /// </summary>
    public void ApplyTo(AgentRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, value) in EnvironmentVariables)
        {
            options.Environment[name] = value;
        }

        foreach (var argument in Arguments)
        {
            options.DefaultArgs.Add(argument);
        }
    }

    /// <summary>Deletes the home directory when this environment created it.</summary>
    public void Dispose()
    {
        if (!_ownsHome)
        {
            return;
        }

        try
        {
            Directory.Delete(HomeDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A CLI still running (or a file locked) keeps the folder; it is in the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    internal static string CheckProvider(string provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        var normalized = provider.Trim().ToLowerInvariant();
        return normalized switch
        {
            AgentProviders.Claude or AgentProviders.Codex or AgentProviders.Gemini => normalized,
            _ => throw new UnknownProviderException(provider),
        };
    }

    private static void WriteGeminiSettings(string home, FakeModelEnvironmentOptions options)
    {
        var general = new JsonObject
        {
            ["maxAttempts"] = 1,
            ["retryFetchErrors"] = false,
            ["enableAutoUpdate"] = false,
            ["enableAutoUpdateNotification"] = false,
        };
        var settings = new JsonObject
        {
            ["security"] = new JsonObject { ["auth"] = new JsonObject { ["selectedType"] = "gemini-api-key" } },
            ["privacy"] = new JsonObject { ["usageStatisticsEnabled"] = false },
            ["telemetry"] = new JsonObject { ["enabled"] = false },
            ["general"] = general,
        };
        if (options.GeminiMaxSessionTurns is { } turns)
        {
            settings["model"] = new JsonObject { ["maxSessionTurns"] = turns };
        }

        var directory = Path.Combine(home, ".gemini");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "settings.json"), settings.ToJsonString());
    }
}
