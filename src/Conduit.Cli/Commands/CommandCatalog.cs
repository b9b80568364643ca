using System.CommandLine;
using Conduit.Cli.Hosting;

namespace Conduit.Cli.Commands;

/// <summary>Every top-level command. Each command group lives in its own file and is added here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create(CliEnvironment environment)
    {
        yield return ChatCommand.Create(environment);
        yield return DoctorCommand.Create(environment);
        yield return ConfigCommand.Create(environment);
        yield return ProjectsCommand.Create(environment);
        yield return ServeCommand.Create(environment);
        yield return PoliciesCommands.Create(environment);
        yield return RunsCommands.Create(environment);
        yield return RuntimeCommand.Create(environment);
        yield return FanoutCommand.Create(environment);
        yield return RequestCommand.Create(environment);
        yield return InstallCommand.Create(environment);
        yield return InitCommand.Create(environment);
    }
}
