using System.Diagnostics;
using System.Text;

namespace Conduit.Requests.Tests;

/// <summary>Feeds the parser random and mutated inputs: it must answer every one (no exception, no hang).</summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Seeds =
    [
        "{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\",\"trust\":\"untrusted\"},\"permissions\":[],\"title\":\"Show Conduit help\",\"actions\":[{\"id\":\"help\",\"tool\":\"conduit.help\",\"args\":{}}]}",
        "```conduit\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[{\"kind\":\"shell\"}],\"shell\":\"echo 'Hello, Conduit World!'\"}\n```",
        "{\"v\":\"1\",\"session\":\"sess_a\",\"n\":\"call_b\",\"source\":{\"kind\":\"chat\"},\"permissions\":[{\"kind\":\"filesystem\",\"access\":\"read\"}],\"do\":[\"list .\",\"read README.md\",\"status\"]}",
        "```conduit-json\n{\"v\":\"1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[{\"kind\":\"filesystem\",\"access\":\"write\"}],\"do\":[{\"write\":\"a.txt\",\"content\":\"x\",\"why\":\"y\",\"risk\":\"low\"},{\"patch\":\"--- a/x\\n+++ b/x\\n\"}]}\n```",
        "text\n```conduit\n{\"do\":\"about\"}\n```\n<<<ACTIONS_JSON\n{\"do\":\"help\"}\nACTIONS_JSON>>>\nconduit\n{\"read\":\"x\"}\n```conduit-final\n{\"status\":\"complete\"}\n```",
        "conduit://run?payload=eyJ2IjoiMSIsInNvdXJjZSI6eyJraW5kIjoiZG9jcyJ9LCJwZXJtaXNzaW9ucyI6W10sImRvIjoiaGVscCJ9",
    ];

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\uD800", "```", "```conduit\n", "\n```", "\"schema\"", "\"v\":\"1\"", "\"do\"",
        "\"actions\":[]", "null", "true", "1e999", "-0", "\u202E", "\u0000", "\r\n", "//", "/*", "<<<ACTIONS_JSON", "ACTIONS_JSON>>>", "conduit\n", "%", "=", "&payload=",
        "\"session\":", "\"n\":", "\"args\":", "\"read\":", "../../", "\"type\":\"actions\"", new string('[', 70), new string('{', 70),
    ];

    [Fact]
    public void Parser_survives_a_hundred_thousand_random_and_mutated_inputs()
    {
        var random = new Random(20261123);
        var origins = Enum.GetValues<RequestOrigin>();
        var counts = new Dictionary<RequestParseStatus, int>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            var input = (i % 10) switch
            {
                0 => RandomText(random),
                1 => Splice(random),
                _ => Mutate(random, Seeds[random.Next(Seeds.Length)]),
            };
            var origin = origins[random.Next(origins.Length)];
            if (origin == RequestOrigin.Link && random.Next(2) == 0)
            {
                input = "conduit://run?payload=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(input)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            }

            RequestParseResult result;
            try
            {
                result = RequestParser.Parse(input, origin);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Input #{i} ({origin}) threw {ex.GetType().Name}: {ex.Message}\n{input}");
                return;
            }

            Assert.True(result.Status != RequestParseStatus.Rejected || result.Repair is not null, $"Input #{i} was rejected without a repair");
            Assert.True(result.Status != RequestParseStatus.Request || result.Request!.Actions.Count > 0, $"Input #{i} is a request without actions");
            counts[result.Status] = counts.GetValueOrDefault(result.Status) + 1;

            // A hang would stop the loop: the whole run must stay far under a minute.
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"Fuzzing took too long, at input #{i}");
        }

        // The corpus really exercised every outcome.
        Assert.True(counts.GetValueOrDefault(RequestParseStatus.Request) > 100);
        Assert.True(counts.GetValueOrDefault(RequestParseStatus.Rejected) > 100);
        Assert.True(counts.GetValueOrDefault(RequestParseStatus.NotARequest) > 100);
    }

    private static string RandomText(Random random)
    {
        var length = random.Next(0, 200);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 0x80),
                1 => "{}[]\":,\\ \n`"[random.Next(11)],
                2 => (char)random.Next(0, 0x10000),
                _ => (char)random.Next('a', 'z' + 1),
            };
        }

        return new string(chars);
    }

    private static string Splice(Random random)
    {
        var builder = new StringBuilder();
        for (var i = random.Next(1, 20); i > 0; i--)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return builder.ToString();
    }

    private static string Mutate(Random random, string seed)
    {
        var builder = new StringBuilder(seed);
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(6))
            {
                case 0 when builder.Length > 0 && at < builder.Length:
                    builder.Remove(at, Math.Min(random.Next(1, 8), builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when at < builder.Length:
                    builder[at] = (char)random.Next(0, 0x3000);
                    break;
                case 3 when builder.Length > 0:
                    builder.Length = random.Next(builder.Length);
                    break;
                case 4:
                    // Duplicate a slice (duplicate keys, duplicate blocks).
                    var start = random.Next(builder.Length + 1);
                    var length = Math.Min(random.Next(1, 40), builder.Length - start);
                    builder.Insert(at, builder.ToString(start, length));
                    break;
                default:
                    // Harmless whitespace, so that a good share stays valid.
                    builder.Insert(builder.Length > 0 && builder[0] == '{' ? 1 : 0, ' ');
                    break;
            }
        }

        return builder.ToString();
    }
}
