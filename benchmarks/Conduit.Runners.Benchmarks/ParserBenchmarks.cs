using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Conduit.Runners.Parsing;
using Conduit.Runners.Pricing;
using Conduit.Runners.Processes;

namespace Conduit.Runners.Benchmarks;

/// <summary>
/// Each provider's stream parser over its real captures. <see cref="ParseLines"/> is the parser alone (decoded lines
/// in, events out: what <c>IAgentStreamParser.ParseLine</c> costs); <see cref="SplitDecodeAndParse"/> is the whole
/// stdout path of a run (bytes as read from the pipe, split into lines, decoded, parsed). The MB/s and per-event
/// columns come from <see cref="ThroughputColumn"/>.
/// </summary>
[Config(typeof(ParserBenchmarkConfig))]
public class ParserBenchmarks
{
    private CapturedStream _stream = null!;

    /// <summary>The provider whose parser runs.</summary>
    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "claude";

    /// <summary>The parameter source.</summary>
    public static IEnumerable<string> Providers => CapturedStream.Providers;

    [GlobalSetup]
    public void Setup()
    {
        _stream = CapturedStream.Load(Provider);
        ThroughputColumn.Record(Provider, _stream.Bytes.Length, CountEvents());
    }

    /// <summary>
    /// The floor any parser of these streams stands on: every token of every line read with <see cref="Utf8JsonReader"/>
    /// straight from the bytes, nothing kept. The parsers' ratio to it is their own cost, whatever the machine's speed.
    /// </summary>
    [Benchmark(Baseline = true)]
    public int ReadEveryToken()
    {
        var tokens = 0;
        var bytes = _stream.Bytes.AsSpan();
        while (bytes.Length > 0)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var line = newline < 0 ? bytes : bytes[..newline];
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                tokens++;
            }

            bytes = newline < 0 ? default : bytes[(newline + 1)..];
        }

        return tokens;
    }

    /// <summary>Each decoded line parsed into a <see cref="JsonDocument"/> and disposed, nothing read from it.</summary>
    [Benchmark]
    public int JsonDocumentPerLine()
    {
        var count = 0;
        foreach (var line in _stream.Lines)
        {
            using var document = JsonDocument.Parse(line);
            count += document.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
        }

        return count;
    }

    /// <summary>Decoded lines through a fresh parser; returns the number of events.</summary>
    [Benchmark]
    public int ParseLines()
    {
        var parser = CreateParser(Provider);
        var count = 0;
        var lines = _stream.Lines;
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var agentEvent in parser.ParseLine(lines[i], i + 1))
            {
                count++;
                _ = agentEvent;
            }
        }

        return count;
    }

    /// <summary>The stdout bytes split and decoded by the launcher's line splitter, then parsed.</summary>
    [Benchmark]
    public int SplitDecodeAndParse()
    {
        var parser = CreateParser(Provider);
        var count = 0;
        var lineNumber = 0;
        var splitter = new Utf8LineSplitter(line =>
        {
            foreach (var agentEvent in parser.ParseLine(line, ++lineNumber))
            {
                count++;
                _ = agentEvent;
            }
        });

        // The launcher reads the pipe in 16 KiB chunks.
        var bytes = _stream.Bytes.AsSpan();
        while (bytes.Length > 0)
        {
            var chunk = bytes[..Math.Min(bytes.Length, 16 * 1024)];
            splitter.Append(chunk);
            bytes = bytes[chunk.Length..];
        }

        splitter.Complete();
        return count;
    }

    // As in a runner: one price table and one Codex usage ledger for every run, a fresh parser per run.
    private static readonly PriceTable Prices = new();
    private static readonly CodexThreadUsageLedger CodexUsage = new();

    internal static IAgentStreamParser CreateParser(string provider)
    {
        var context = new AgentStreamParserContext { PriceTable = Prices, CodexUsageLedger = CodexUsage };
        return provider switch
        {
            "claude" => new ClaudeStreamParser(context),
            "codex" => new CodexStreamParser(context),
            "gemini" => new GeminiStreamParser(context),
            "cursor" => new CursorStreamParser(context),
            _ => throw new ArgumentException($"No parser for {provider}.", nameof(provider)),
        };
    }

    /// <summary>The events of the whole stream, for the columns.</summary>
    internal int CountEventsForColumn()
    {
        _stream = CapturedStream.Load(Provider);
        return ParseLines();
    }

    private int CountEvents() => ParseLines();
}
