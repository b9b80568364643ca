// The suite drives real processes, POSIX signals and Unix file modes, as the original Conduit did: Linux and macOS only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
