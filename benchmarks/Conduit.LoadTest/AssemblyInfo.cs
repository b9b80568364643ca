// The load test reads /proc and runs a bash agent: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
