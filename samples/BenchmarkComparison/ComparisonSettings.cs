namespace BenchmarkComparison;

/// <summary>What the command line asked for; the benchmarks run in this process, so they read it directly.</summary>
internal static class ComparisonSettings
{
    public static string Prompt { get; set; } = "What is 6 x 7? Answer with the number only.";

    public static string? FakeModelReply { get; set; }

    public static int Iterations { get; set; } = 3;
}
