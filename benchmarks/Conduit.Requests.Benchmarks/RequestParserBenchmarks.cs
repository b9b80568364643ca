using BenchmarkDotNet.Attributes;

namespace Conduit.Requests.Benchmarks;

/// <summary>The request parser on typical inputs: canonical, compact, fenced, rejected and ignored.</summary>
[MemoryDiagnoser]
public class RequestParserBenchmarks
{
    private const string Canonical = "{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\",\"trust\":\"untrusted\"},\"permissions\":[{\"kind\":\"filesystem\",\"scope\":\"project\",\"access\":\"read\"}],\"title\":\"Look\",\"actions\":[{\"id\":\"list\",\"tool\":\"file.list\",\"args\":{\"path\":\".\"}},{\"id\":\"readme\",\"tool\":\"file.read\",\"args\":{\"path\":\"README.md\"}}]}";
    private const string Compact = "{\"v\":\"1\",\"session\":\"sess_a\",\"n\":\"call_b\",\"source\":{\"kind\":\"chat\"},\"permissions\":[{\"kind\":\"filesystem\",\"access\":\"read\"}],\"do\":[\"list .\",\"read README.md\",\"status\"]}";
    private const string Fenced = "```conduit\n" + Canonical + "\n```";
    private const string Malformed = "{\"schema\":\"conduit.request.v1\",\"source\":{\"kind\":\"docs\"},\"permissions\":[],\"actions\":[";
    private const string Prose = "Here is what I found in the repository; the request is below.\n```conduit\n" + Canonical + "\n```\nLet me know.";

    [Benchmark(Baseline = true)]
    public RequestParseResult CanonicalEnvelope() => RequestParser.Parse(Canonical, RequestOrigin.Clipboard);

    [Benchmark]
    public RequestParseResult CompactDialect() => RequestParser.Parse(Compact, RequestOrigin.Clipboard);

    [Benchmark]
    public RequestParseResult FencedBlock() => RequestParser.Parse(Fenced, RequestOrigin.Clipboard);

    [Benchmark]
    public RequestParseResult MalformedJson() => RequestParser.Parse(Malformed, RequestOrigin.Clipboard);

    [Benchmark]
    public RequestParseResult ProseIsIgnored() => RequestParser.Parse(Prose, RequestOrigin.Clipboard);

    [Benchmark]
    public RequestParseResult AgentTurn() => RequestParser.Parse(Prose, RequestOrigin.AgentTurn);
}
