namespace Conduit.Configuration.Parsing;

/// <summary>A node of a configuration tree, with where it was written.</summary>
internal abstract class ConfigNode
{
    protected ConfigNode(ConfigurationOrigin origin, int? line, int? column)
    {
        Origin = origin;
        Line = line;
        Column = column;
    }

    public ConfigurationOrigin Origin { get; }

    public int? Line { get; }

    public int? Column { get; }

    /// <summary>The origin of this node with its line and column.</summary>
    public ConfigurationOrigin PositionedOrigin => Origin.At(Line, Column);
}

internal sealed class ConfigScalar : ConfigNode
{
    public ConfigScalar(object? value, ConfigurationOrigin origin, int? line = null, int? column = null)
        : base(origin, line, column)
    {
        Value = value;
    }

    /// <summary>null, string, long, double or bool.</summary>
    public object? Value { get; }

    public override string ToString() => Value?.ToString() ?? "null";
}

internal sealed class ConfigList : ConfigNode
{
    public ConfigList(IReadOnlyList<ConfigNode> items, ConfigurationOrigin origin, int? line = null, int? column = null)
        : base(origin, line, column)
    {
        Items = items;
    }

    public IReadOnlyList<ConfigNode> Items { get; }
}

internal sealed class ConfigEntry
{
    public required string Key { get; init; }

    public int? KeyLine { get; init; }

    public int? KeyColumn { get; init; }

    public required ConfigNode Value { get; init; }
}

internal sealed class ConfigMap : ConfigNode
{
    private readonly OrderedDictionary<string, ConfigEntry> entries = new(StringComparer.Ordinal);

    public ConfigMap(ConfigurationOrigin origin, int? line = null, int? column = null)
        : base(origin, line, column)
    {
    }

    public IEnumerable<ConfigEntry> Entries => entries.Values;

    public int Count => entries.Count;

    public bool TryAdd(ConfigEntry entry) => entries.TryAdd(entry.Key, entry);

    public void Set(ConfigEntry entry) => entries[entry.Key] = entry;

    public bool Remove(string key) => entries.Remove(key);

    public ConfigNode? Get(string key) => entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public ConfigEntry? GetEntry(string key) => entries.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>The child map at <paramref name="key"/>, or null when absent, null or not a map.</summary>
    public ConfigMap? GetMap(string key) => Get(key) as ConfigMap;
}
