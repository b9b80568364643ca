using BenchmarkComparison;
using BenchmarkDotNet.Running;

// Which runner answers my prompt fastest, and what does it cost? One BenchmarkDotNet method per runner, Claude Code as
// the baseline (the Ratio column), tokens and cost per run as extra columns.
//   BenchmarkComparison [--prompt "<prompt>"] [--fake-model "<reply>"] [--iterations <n>]
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--prompt":
            ComparisonSettings.Prompt = args[i + 1];
            break;
        case "--fake-model":
            ComparisonSettings.FakeModelReply = args[i + 1];
            break;
        case "--iterations":
            ComparisonSettings.Iterations = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

var summary = BenchmarkRunner.Run<RunnerComparison>(new ComparisonConfig());
return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
