namespace Conduit.Configuration;

/// <summary>
/// Resolves project ids to directories: the global file's <c>conduit.projects</c>, plus the current project
/// (<c>conduit.project.id</c> of the project file, rooted at the directory holding its <c>.conduit</c>) when its id is not
/// registered globally. A request naming a project runs in that project's directory with that project's configuration
/// (<see cref="LoadConfigurationFor"/>).
/// </summary>
public sealed class ProjectRegistry
{
    private readonly ConduitConfiguration configuration;
    private readonly Dictionary<string, RegisteredProject> projects = new(StringComparer.Ordinal);

    /// <summary>Creates the registry of <paramref name="configuration"/>.</summary>
    public ProjectRegistry(ConduitConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        this.configuration = configuration;
        foreach (var (id, path) in configuration.Settings.Projects)
        {
            projects[id] = new RegisteredProject
            {
                Id = id,
                Path = path,
                Origin = configuration.GetOrigin($"conduit.projects.{id}.path") ?? ConfigurationOrigin.Default,
            };
        }

        if (configuration.Settings.ProjectId is { } currentId && configuration.ProjectRoot is { } root && !projects.ContainsKey(currentId))
        {
            projects[currentId] = new RegisteredProject
            {
                Id = currentId,
                Path = root,
                Origin = configuration.GetOrigin("conduit.project.id") ?? ConfigurationOrigin.Default,
            };
        }
    }

    /// <summary>Every project, ordered by id.</summary>
    public IReadOnlyList<RegisteredProject> Projects => projects.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    /// <summary>The project <paramref name="projectId"/>.</summary>
    /// <exception cref="ProjectNotFoundException">The id is not registered; the message lists the known ids.</exception>
    public RegisteredProject Get(string projectId)
    {
        ArgumentNullException.ThrowIfNull(projectId);
        return projects.TryGetValue(projectId, out var project)
            ? project
            : throw new ProjectNotFoundException(projectId, Projects.Select(p => p.Id).ToList());
    }

    /// <summary>The directory of <paramref name="projectId"/>, checked to exist.</summary>
    /// <exception cref="ProjectNotFoundException">The id is not registered.</exception>
    /// <exception cref="ConfigurationFileException">The registered directory does not exist (names the file and line that registered it).</exception>
    public string ResolvePath(string projectId)
    {
        var project = Get(projectId);
        if (!Directory.Exists(project.Path))
        {
            var origin = project.Origin;
            throw new ConfigurationFileException(
                origin.Source ?? configuration.GlobalFilePath,
                origin.Line,
                origin.Column,
                origin.Kind == ConfigurationOriginKind.ProjectFile ? "conduit.project.id" : $"conduit.projects.{projectId}.path",
                $"the directory of project \"{projectId}\" does not exist: {project.Path}");
        }

        return project.Path;
    }

    /// <summary>
    /// The effective configuration for requests to <paramref name="projectId"/>: the same global file and CONDUIT_HOME,
    /// the project file found from the project's directory, and <paramref name="overrides"/> (or the current ones).
    /// </summary>
    public ConduitConfiguration LoadConfigurationFor(string projectId, IReadOnlyList<ConfigurationOverride>? overrides = null)
    {
        var path = ResolvePath(projectId);
        var options = configuration.LoadOptions;
        return ConduitConfigurationLoader.Load(new ConfigurationLoadOptions
        {
            WorkingDirectory = path,
            ConduitHome = configuration.ConduitHome,
            HomeDirectory = options.HomeDirectory,
            GetEnvironmentVariable = options.GetEnvironmentVariable,
            Overrides = overrides ?? options.Overrides,
            IncludeProjectFile = true,
        });
    }
}
