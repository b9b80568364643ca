using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Conduit.Configuration.Parsing;

/// <summary>
/// Reads YAML text into a <see cref="ConfigNode"/> tree with the line and column of every key and value, using
/// YamlDotNet's parser events. Plain scalars are typed with the YAML 1.2 core schema (null, bool, int, float, string);
/// quoted and block scalars are always strings.
/// </summary>
internal static partial class YamlConfigReader
{
    /// <summary>Parses <paramref name="text"/>; returns null (and adds to <paramref name="diagnostics"/>) when it is not well-formed.</summary>
    public static ConfigNode? Read(string text, string filePath, ConfigurationOrigin origin, List<ConfigurationDiagnostic> diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var reader = new EventReader(parser, filePath, origin, diagnostics);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException exception)
        {
            diagnostics.Add(new ConfigurationDiagnostic
            {
                FilePath = filePath,
                Line = (int)exception.Start.Line,
                Column = (int)exception.Start.Column,
                Problem = "malformed YAML: " + exception.Message,
            });
            return null;
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner throws this on some malformed input (e.g. an unclosed flow sequence); report the
            // position the parser had reached.
            diagnostics.Add(new ConfigurationDiagnostic
            {
                FilePath = filePath,
                Line = reader.LastLine,
                Column = reader.LastColumn,
                Problem = "malformed YAML near here (" + exception.Message + ")",
            });
            return null;
        }
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    internal static object? TypePlainScalar(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ when IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => integer,
        _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
        _ => value,
    };

    private sealed class EventReader(IParser parser, string filePath, ConfigurationOrigin origin, List<ConfigurationDiagnostic> diagnostics)
    {
        private readonly Dictionary<string, ConfigNode> anchors = new(StringComparer.Ordinal);

        public int? LastLine { get; private set; }

        public int? LastColumn { get; private set; }

        public ConfigNode? ReadStream()
        {
            Consume<StreamStart>();
            ConfigNode? root = null;
            var documents = 0;
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                documents++;
                Track(start.Start);
                var node = ReadNode(string.Empty);
                Consume<DocumentEnd>();
                if (documents == 1)
                {
                    root = node;
                }
                else if (documents == 2)
                {
                    diagnostics.Add(new ConfigurationDiagnostic
                    {
                        FilePath = filePath,
                        Line = (int)start.Start.Line,
                        Column = (int)start.Start.Column,
                        Problem = "a configuration file holds one YAML document; remove the second document (after '---')",
                    });
                }
            }

            Consume<StreamEnd>();
            return root;
        }

        private T Consume<T>()
            where T : ParsingEvent
        {
            var next = parser.Current;
            if (next is not null)
            {
                Track(next.Start);
            }

            return parser.Consume<T>();
        }

        private void Track(Mark mark)
        {
            LastLine = (int)mark.Line;
            LastColumn = (int)mark.Column;
        }

        private ConfigNode ReadNode(string path)
        {
            if (parser.Current is not null)
            {
                Track(parser.Current.Start);
            }

            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    return anchored;
                }

                throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
            }

            ConfigNode node;
            AnchorName anchor;
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                anchor = scalar.Anchor;
                var value = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || !scalar.Tag.Value.EndsWith(":str", StringComparison.Ordinal))
                    ? TypePlainScalar(scalar.Value)
                    : scalar.Value;
                node = new ConfigScalar(value, origin, (int)scalar.Start.Line, (int)scalar.Start.Column);
            }
            else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
            {
                anchor = sequenceStart.Anchor;
                var items = new List<ConfigNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode($"{path}[{items.Count}]"));
                }

                node = new ConfigList(items, origin, (int)sequenceStart.Start.Line, (int)sequenceStart.Start.Column);
            }
            else
            {
                var mappingStart = Consume<MappingStart>();
                anchor = mappingStart.Anchor;
                var map = new ConfigMap(origin, (int)mappingStart.Start.Line, (int)mappingStart.Start.Column);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(path);
                    var keyText = keyNode is ConfigScalar { Value: { } rawKey } ? Convert.ToString(rawKey, CultureInfo.InvariantCulture)! : "?";
                    var keyPath = path.Length == 0 ? keyText : path + "." + keyText;
                    var value = ReadNode(keyPath);
                    if (keyNode is not ConfigScalar { Value: not null })
                    {
                        diagnostics.Add(new ConfigurationDiagnostic
                        {
                            FilePath = filePath,
                            Line = keyNode.Line,
                            Column = keyNode.Column,
                            Key = path.Length == 0 ? null : path,
                            Problem = "keys must be plain strings",
                        });
                        continue;
                    }

                    var key = keyText;
                    var entry = new ConfigEntry { Key = key, KeyLine = keyNode.Line, KeyColumn = keyNode.Column, Value = value };
                    if (!map.TryAdd(entry))
                    {
                        diagnostics.Add(new ConfigurationDiagnostic
                        {
                            FilePath = filePath,
                            Line = keyNode.Line,
                            Column = keyNode.Column,
                            Key = keyPath,
                            Problem = $"duplicate key \"{key}\" (first defined on line {map.GetEntry(key)!.KeyLine})",
                        });
                    }
                }

                node = map;
            }

            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }

            return node;
        }
    }
}
