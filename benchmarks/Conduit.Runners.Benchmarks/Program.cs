using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Conduit.Runners.Benchmarks -- --filter '*'
// The parsers over the real captures and the runner's overhead against a hand-started process: docs/performance.md.
BenchmarkSwitcher.FromAssembly(typeof(Conduit.Runners.Benchmarks.ParserBenchmarks).Assembly).Run(args);
