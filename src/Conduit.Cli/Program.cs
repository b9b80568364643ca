using Conduit.Cli;
using Conduit.Cli.Hosting;

return await ConduitCli.InvokeAsync(args, CliEnvironment.FromConsole()).ConfigureAwait(false);
