using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Conduit.Benchmarks.FanOut -- --filter '*'
// See docs/fanout.md for the environment variables (runners, real CLIs, prompt, verifier, iterations).
BenchmarkSwitcher.FromAssembly(typeof(Conduit.Benchmarks.FanOut.RunnerComparisonBenchmarks).Assembly).Run(args);
