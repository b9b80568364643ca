using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Conduit.Requests.Benchmarks.RequestParserBenchmarks).Assembly).Run(args);
