using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Conduit.Policies;

/// <summary>Reads YAML into a <see cref="JsonNode"/> and remembers where each field was written.</summary>
internal sealed class YamlJsonReader
{
    private readonly Dictionary<string, Mark> _positions = new(StringComparer.Ordinal);

    private YamlJsonReader()
    {
    }

    /// <summary>The position of a field path such as <c>checks[1].on_fail</c> (the key's position for mappings).</summary>
    public (int Line, int Column)? PositionOf(string path)
    {
        var current = path;
        while (true)
        {
            if (_positions.TryGetValue(current, out var mark))
            {
                return ((int)mark.Line, (int)mark.Column);
            }

            if (current.Length == 0)
            {
                return null;
            }

            var cut = Math.Max(current.LastIndexOf('.'), current.LastIndexOf('['));
            current = cut <= 0 ? "" : current[..cut];
        }
    }

    /// <summary>Parses <paramref name="text"/>; syntax errors carry the file, line and column.</summary>
    public static (JsonNode? Root, YamlJsonReader Reader) Read(string text, string filePath)
    {
        var reader = new YamlJsonReader();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            var problem = exception.InnerException?.Message ?? exception.Message;
            throw new PolicyInvalidException(filePath, (int)exception.Start.Line, (int)exception.Start.Column, null, $"invalid YAML: {problem}", exception);
        }

        if (stream.Documents.Count == 0)
        {
            return (null, reader);
        }

        var root = stream.Documents[0].RootNode;
        reader._positions[""] = root.Start;
        return (reader.Convert(root, ""), reader);
    }

    private JsonNode? Convert(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? keyNode.ToString();
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    _positions[childPath] = keyNode.Start;
                    obj[key] = Convert(valueNode, childPath);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    var childPath = $"{path}[{index}]";
                    _positions[childPath] = item.Start;
                    array.Add(Convert(item, childPath));
                    index++;
                }

                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsNaN(number) && !double.IsInfinity(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }
}
