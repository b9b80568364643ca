namespace Conduit.Configuration.Parsing;

/// <summary>
/// Layers configuration trees: maps merge key by key (recursively, so <c>projects</c>, <c>runners</c> and
/// <c>runners.codex.env</c> merge per id / per variable); lists and scalars of a higher layer replace the lower one;
/// a null written where the lower layer has a map means "no entries" and keeps the lower map.
/// </summary>
internal static class ConfigMerger
{
    public static ConfigMap Merge(ConfigMap lower, ConfigMap higher)
    {
        var result = new ConfigMap(higher.Origin, higher.Line, higher.Column);
        foreach (var entry in lower.Entries)
        {
            result.Set(entry);
        }

        foreach (var entry in higher.Entries)
        {
            var existing = result.Get(entry.Key);
            if (existing is ConfigMap lowerMap && entry.Value is ConfigMap higherMap)
            {
                result.Set(new ConfigEntry { Key = entry.Key, KeyLine = entry.KeyLine, KeyColumn = entry.KeyColumn, Value = Merge(lowerMap, higherMap) });
            }
            else if (existing is ConfigMap && entry.Value is ConfigScalar { Value: null })
            {
                // "projects:" with nothing after it: no entries from this layer.
            }
            else
            {
                result.Set(entry);
            }
        }

        return result;
    }

    /// <summary>Every leaf (scalar, list, empty map) by dotted key path, with where it came from.</summary>
    public static Dictionary<string, ConfigurationOrigin> Origins(ConfigMap root)
    {
        var origins = new Dictionary<string, ConfigurationOrigin>(StringComparer.Ordinal);
        Walk(root, string.Empty);
        return origins;

        void Walk(ConfigMap map, string prefix)
        {
            foreach (var entry in map.Entries)
            {
                var key = prefix.Length == 0 ? entry.Key : prefix + "." + entry.Key;
                if (entry.Value is ConfigMap { Count: > 0 } child)
                {
                    Walk(child, key);
                }
                else
                {
                    origins[key] = entry.Value.PositionedOrigin;
                }
            }
        }
    }
}
