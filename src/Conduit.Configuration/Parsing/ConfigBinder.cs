using System.Globalization;
using System.Text.RegularExpressions;

namespace Conduit.Configuration.Parsing;

/// <summary>Binds the merged, schema-checked tree to <see cref="ConduitSettings"/>.</summary>
internal static partial class ConfigBinder
{
    public static ConduitSettings Bind(ConfigMap conduit)
    {
        var server = conduit.GetMap("server") ?? Empty;
        var queue = server.GetMap("queue") ?? Empty;
        var throttling = server.GetMap("throttling") ?? Empty;
        var controls = server.GetMap("requestControls") ?? Empty;
        var store = conduit.GetMap("store") ?? Empty;
        var stateDirectory = String(conduit, "stateDir")!;
        var connectionString = String(store, "connectionString");
        return new ConduitSettings
        {
            DefaultRunner = String(conduit, "defaultRunner")!,
            StateDirectory = stateDirectory,
            ProjectId = String(conduit.GetMap("project") ?? Empty, "id"),
            Projects = (conduit.GetMap("projects") ?? Empty).Entries
                .Where(e => e.Value is ConfigMap)
                .ToDictionary(e => e.Key, e => String((ConfigMap)e.Value, "path")!, StringComparer.Ordinal),
            Runners = AgentProviders.All.ToDictionary(p => p, p => BindRunner(p, (conduit.GetMap("runners") ?? Empty).GetMap(p) ?? Empty), StringComparer.Ordinal),
            Server = new ServerSettings
            {
                Port = Integer(server, "port") ?? 8888,
                Host = String(server, "host") ?? "127.0.0.1",
                AllowInit = Boolean(server, "allowInit") ?? false,
                Debug = Boolean(server, "debug") ?? true,
                EnableDocs = Boolean(server, "enableDocs") ?? true,
                Queue = new QueueSettings { MaxQueuedRuns = Integer(queue, "maxQueuedRuns"), MaxActiveRuns = Integer(queue, "maxActiveRuns") },
                Throttling = new ThrottlingSettings
                {
                    Enabled = Boolean(throttling, "enabled") ?? false,
                    WindowMilliseconds = Integer(throttling, "windowMs") ?? 60000,
                    MaxRequests = Integer(throttling, "maxRequests") ?? 60,
                    Key = String(throttling, "key") == "global" ? ThrottlingKey.Global : ThrottlingKey.Ip,
                },
                RequestControls = new RequestControlSettings
                {
                    WorkingDirectory = Control(controls, "cwd"),
                    Database = Control(controls, "db"),
                    Args = Control(controls, "args"),
                },
            },
            Prices = (conduit.GetMap("prices") ?? Empty).Entries
                .Where(e => e.Value is ConfigMap)
                .ToDictionary(
                    e => e.Key,
                    e => new ModelPrice
                    {
                        InputPerMillion = Decimal((ConfigMap)e.Value, "inputPerMillion") ?? 0m,
                        OutputPerMillion = Decimal((ConfigMap)e.Value, "outputPerMillion") ?? 0m,
                        CachedInputPerMillion = Decimal((ConfigMap)e.Value, "cachedInputPerMillion"),
                    },
                    StringComparer.Ordinal),
            Store = new StoreSettings
            {
                Provider = String(store, "provider") ?? "sqlite",
                ConnectionString = connectionString,
                EffectiveConnectionString = connectionString ?? (String(store, "provider") == "postgres" ? "" : $"Data Source={Path.Combine(stateDirectory, "db.sqlite")}"),
            },
            Cluster = new ClusterSettings
            {
                CheckinInterval = ShortDuration((conduit.GetMap("cluster") ?? Empty).Get("checkinInterval")) ?? TimeSpan.FromMilliseconds(7500),
            },
            Runs = new RunsSettings { DefaultTimeout = Duration((conduit.GetMap("runs") ?? Empty).Get("defaultTimeout")) },
        };
    }

    private static ConfigMap Empty => new(ConfigurationOrigin.Default);

    private static RunnerConfiguration BindRunner(string provider, ConfigMap runner) => new()
    {
        Provider = provider,
        Args = runner.Get("args") is ConfigList list ? list.Items.Select(i => Text((ConfigScalar)i)!).ToList() : [],
        Executable = String(runner, "executable"),
        Environment = (runner.GetMap("env") ?? Empty).Entries
            .ToDictionary(e => e.Key, e => Text((ConfigScalar)e.Value), StringComparer.Ordinal),
        Timeout = Duration(runner.Get("timeout")),
        IdleTimeout = Duration(runner.Get("idleTimeout")),
    };

    private static RequestControlMode Control(ConfigMap map, string key) => String(map, key) switch
    {
        "read_only" => RequestControlMode.ReadOnly,
        "read_write" => RequestControlMode.ReadWrite,
        _ => RequestControlMode.Disabled,
    };

    private static string? Text(ConfigScalar scalar) => scalar.Value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    private static string? String(ConfigMap map, string key) => map.Get(key) is ConfigScalar scalar ? Text(scalar) : null;

    private static int? Integer(ConfigMap map, string key) => map.Get(key) is ConfigScalar { Value: long value } ? checked((int)value) : null;

    private static bool? Boolean(ConfigMap map, string key) => map.Get(key) is ConfigScalar { Value: bool value } ? value : null;

    private static decimal? Decimal(ConfigMap map, string key) => map.Get(key) is ConfigScalar scalar
        ? scalar.Value switch
        {
            long l => l,
            double d => (decimal)d,
            _ => null,
        }
        : null;

    private static TimeSpan? Duration(ConfigNode? node) => node is ConfigScalar scalar ? ParseDuration(scalar.Value) : null;

    /// <summary>A short interval: whole seconds (a number), <c>500ms</c>, <c>2s</c> or <c>1.5s</c>.</summary>
    private static TimeSpan? ShortDuration(ConfigNode? node) => node is ConfigScalar scalar ? scalar.Value switch
    {
        long seconds => TimeSpan.FromSeconds(seconds),
        string text when text.EndsWith("ms", StringComparison.Ordinal) && long.TryParse(text.AsSpan(0, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) => TimeSpan.FromMilliseconds(ms),
        string text when text.EndsWith('s') && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) => TimeSpan.FromSeconds(s),
        _ => null,
    } : null;

    /// <summary>Whole seconds (a number) or <c>1h30m</c>, <c>15m</c>, <c>30s</c>.</summary>
    internal static TimeSpan? ParseDuration(object? value)
    {
        switch (value)
        {
            case long seconds:
                return TimeSpan.FromSeconds(seconds);
            case string text:
                var match = DurationPattern().Match(text);
                if (!match.Success || text.Length == 0)
                {
                    return null;
                }

                long Part(string name) => match.Groups[name].Success ? long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
                return TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
            default:
                return null;
        }
    }

    [GeneratedRegex("^(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
