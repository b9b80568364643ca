using System.Text.Json.Nodes;

namespace Conduit.Policies;

/// <summary>What a component contributes to a policy.</summary>
public enum ComponentKind
{
    /// <summary>The agent: a provider and model.</summary>
    Runner,

    /// <summary>Checks (possibly none) run after each attempt.</summary>
    Check,

    /// <summary>One hook command at one lifecycle stage.</summary>
    Hook,
}

/// <summary>One check of a check component.</summary>
public sealed class ComponentCheck
{
    /// <summary>The check's name.</summary>
    public required string Name { get; init; }

    /// <summary>The command (a leading <c>./</c> names a file in the component's folder).</summary>
    public required string Command { get; init; }

    /// <summary>The timeout in seconds, or null.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary><c>retry</c>, <c>fail</c>, <c>escalate</c> or <c>ignore</c>.</summary>
    public required string OnFail { get; init; }
}

/// <summary>
/// A component: <c>&lt;stateDir&gt;/components/&lt;id&gt;/component.yaml</c> with <c>component: {id, kind, lifecycle,
/// requires, description}</c> and its payload (<c>runner</c>, <c>checks</c> or <c>hook</c>).
/// </summary>
public sealed class ConduitComponent
{
    /// <summary>The id (equal to its folder's name).</summary>
    public required string Id { get; init; }

    /// <summary>What it contributes.</summary>
    public required ComponentKind Kind { get; init; }

    /// <summary>The folder holding component.yaml and its scripts.</summary>
    public required string Directory { get; init; }

    /// <summary>One line for people.</summary>
    public string Description { get; init; } = "";

    /// <summary>What the project must have: <c>git</c> (a <c>.git</c> at the project root).</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>A hook's stage.</summary>
    public PolicyHookStage? Lifecycle { get; init; }

    /// <summary>A hook's command.</summary>
    public string? HookCommand { get; init; }

    /// <summary>A runner's provider and model.</summary>
    public RunnerSpec? Runner { get; init; }

    /// <summary>A check component's checks (none for <c>no-checks</c>).</summary>
    public IReadOnlyList<ComponentCheck> Checks { get; init; } = [];

    /// <summary>Whether the component needs a git repository.</summary>
    public bool RequiresGit => Requires.Contains("git", StringComparer.Ordinal);
}

/// <summary>A preset: <c>&lt;stateDir&gt;/presets/&lt;id&gt;/preset.yaml</c> (default component ids) and an optional <c>prompt.md</c>.</summary>
public sealed class ConduitPreset
{
    /// <summary>The id (equal to its folder's name).</summary>
    public required string Id { get; init; }

    /// <summary>The folder.</summary>
    public required string Directory { get; init; }

    /// <summary>One line for people.</summary>
    public string Description { get; init; } = "";

    /// <summary>The default runner component id.</summary>
    public string? Runner { get; init; }

    /// <summary>The default hook component ids.</summary>
    public IReadOnlyList<string> Hooks { get; init; } = [];

    /// <summary>The default check component ids.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>The prompt template written as the policy's prompt.md, when the preset has one.</summary>
    public string? PromptFile => File.Exists(Path.Combine(Directory, "prompt.md")) ? Path.Combine(Directory, "prompt.md") : null;
}

/// <summary>Reads the installed presets and components of a state directory (see <see cref="ConduitInstaller"/>).</summary>
public static class ComponentCatalog
{
    /// <summary>Every component under <c>&lt;stateDir&gt;/components/</c>, sorted by id.</summary>
    /// <exception cref="PolicyInvalidException">A component.yaml is invalid (the message names file, line and field).</exception>
    public static IReadOnlyList<ConduitComponent> LoadComponents(string stateDirectory)
    {
        var root = ConduitInstaller.ComponentsDirectory(stateDirectory);
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "component.yaml")))
            .Select(d => LoadComponent(Path.Combine(d, "component.yaml")))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The preset <paramref name="presetId"/> under <c>&lt;stateDir&gt;/presets/</c>.</summary>
    /// <exception cref="ConduitException">There is no such preset.</exception>
    /// <exception cref="PolicyInvalidException">Its preset.yaml is invalid.</exception>
    public static ConduitPreset LoadPreset(string stateDirectory, string presetId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(presetId);
        var root = ConduitInstaller.PresetsDirectory(stateDirectory);
        var file = Path.Combine(root, presetId, "preset.yaml");
        if (presetId.IndexOfAny(['/', '\\']) >= 0 || presetId is "." or ".." || !File.Exists(file))
        {
            string?[] known = System.IO.Directory.Exists(root)
                ? [.. System.IO.Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "preset.yaml"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)]
                : [];
            throw new ConduitException($"Unknown preset \"{presetId}\"; installed presets: {string.Join(", ", known)} (in {root})");
        }

        var (document, reader) = Read(file);
        var preset = Object(document, "preset", file, reader);
        var defaults = document["defaults"] as JsonObject ?? [];
        ExpectId(preset, presetId, "preset.id", file, reader);
        return new ConduitPreset
        {
            Id = presetId,
            Directory = Path.GetDirectoryName(file)!,
            Description = Text(preset["description"], "preset.description", file, reader) ?? "",
            Runner = Text(defaults["runner"], "defaults.runner", file, reader),
            Hooks = Strings(defaults["hooks"], "defaults.hooks", file, reader),
            Checks = Strings(defaults["checks"], "defaults.checks", file, reader),
        };
    }

    /// <summary>Reads one component.yaml.</summary>
    /// <exception cref="PolicyInvalidException">It is invalid.</exception>
    public static ConduitComponent LoadComponent(string componentFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(componentFile);
        var file = Path.GetFullPath(componentFile);
        var directory = Path.GetDirectoryName(file)!;
        var (root, reader) = Read(file);
        var header = Object(root, "component", file, reader);
        var id = Path.GetFileName(directory);
        ExpectId(header, id, "component.id", file, reader);
        var kindText = Text(header["kind"], "component.kind", file, reader);
        var kind = kindText switch
        {
            "runner" => ComponentKind.Runner,
            "check" => ComponentKind.Check,
            "hook" => ComponentKind.Hook,
            _ => throw Invalid(file, reader, "component.kind", $"must be one of: runner, check, hook; got \"{kindText}\""),
        };
        var requires = Strings(header["requires"], "component.requires", file, reader);
        var description = Text(header["description"], "component.description", file, reader)?.Trim() ?? "";
        switch (kind)
        {
            case ComponentKind.Runner:
                var runner = Object(root, "runner", file, reader);
                var provider = Text(runner["provider"], "runner.provider", file, reader) ?? throw Invalid(file, reader, "runner.provider", "is required");
                return new ConduitComponent
                {
                    Id = id, Kind = kind, Directory = directory, Description = description, Requires = requires,
                    Runner = new RunnerSpec(provider, Text(runner["model"], "runner.model", file, reader)),
                };
            case ComponentKind.Check:
                if (root["checks"] is not JsonArray checks)
                {
                    throw Invalid(file, reader, "checks", "a check component needs a list of checks (\"checks: []\" for none)");
                }

                return new ConduitComponent
                {
                    Id = id, Kind = kind, Directory = directory, Description = description, Requires = requires,
                    Checks = checks.Select((c, i) => ReadCheck(c, $"checks[{i}]", file, reader)).ToArray(),
                };
            default:
                var lifecycleText = Text(header["lifecycle"], "component.lifecycle", file, reader);
                var lifecycle = Enum.GetValues<PolicyHookStage>().Cast<PolicyHookStage?>().FirstOrDefault(s => PolicyLoader.StageName(s!.Value) == lifecycleText)
                    ?? throw Invalid(file, reader, "component.lifecycle", $"a hook needs one of: init, before_attempt, after_attempt, on_success, on_failure; got \"{lifecycleText}\"");
                var hook = Object(root, "hook", file, reader);
                return new ConduitComponent
                {
                    Id = id, Kind = kind, Directory = directory, Description = description, Requires = requires, Lifecycle = lifecycle,
                    HookCommand = Text(hook["command"], "hook.command", file, reader) ?? throw Invalid(file, reader, "hook.command", "is required"),
                };
        }
    }

    private static ComponentCheck ReadCheck(JsonNode? node, string field, string file, YamlJsonReader reader)
    {
        if (node is not JsonObject check)
        {
            throw Invalid(file, reader, field, "a check must be a mapping with name and command");
        }

        var onFail = Text(check["on_fail"], field + ".on_fail", file, reader) ?? "retry";
        if (onFail is not ("retry" or "fail" or "escalate" or "ignore"))
        {
            throw Invalid(file, reader, field + ".on_fail", $"must be one of: retry, fail, escalate, ignore; got \"{onFail}\"");
        }

        return new ComponentCheck
        {
            Name = Text(check["name"], field + ".name", file, reader) ?? throw Invalid(file, reader, field + ".name", "is required"),
            Command = Text(check["command"], field + ".command", file, reader) ?? throw Invalid(file, reader, field + ".command", "is required"),
            TimeoutSeconds = check["timeout_seconds"] switch
            {
                null => null,
                JsonValue timeout when timeout.TryGetValue<int>(out var seconds) && seconds > 0 => seconds,
                _ => throw Invalid(file, reader, field + ".timeout_seconds", "must be a positive whole number of seconds"),
            },
            OnFail = onFail,
        };
    }

    /// <summary>A string field's value, or null when absent; <paramref name="key"/> locates a wrong type in the error.</summary>
    private static string? Text(JsonNode? node, string key, string file, YamlJsonReader reader) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw Invalid(file, reader, key, "must be a string"),
    };

    private static (JsonObject Root, YamlJsonReader Reader) Read(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new PolicyInvalidException(file, null, null, null, $"cannot read the file: {exception.Message}", exception);
        }

        var (root, reader) = YamlJsonReader.Read(text, file);

        // Element-backed values convert freely (an integer reads as int or long), as in PolicyLoader.
        return root is JsonObject obj ? (JsonNode.Parse(obj.ToJsonString())!.AsObject(), reader) : throw new PolicyInvalidException(file, 1, 1, null, "expected a YAML mapping");
    }

    private static JsonObject Object(JsonObject root, string key, string file, YamlJsonReader reader) =>
        root[key] as JsonObject ?? throw Invalid(file, reader, key, "is required and must be a mapping");

    private static void ExpectId(JsonObject header, string folderName, string field, string file, YamlJsonReader reader)
    {
        var id = Text(header["id"], field, file, reader);
        if (id != folderName)
        {
            throw Invalid(file, reader, field, $"must equal its folder's name \"{folderName}\"; got \"{id}\"");
        }
    }

    private static string[] Strings(JsonNode? node, string field, string file, YamlJsonReader reader) => node switch
    {
        null => [],
        JsonArray array => array.Select(item => (item is JsonValue value && value.TryGetValue<string>(out var text) ? text : null) ?? throw Invalid(file, reader, field, "must be a list of strings")).ToArray(),
        _ => throw Invalid(file, reader, field, "must be a list of strings"),
    };

    private static PolicyInvalidException Invalid(string file, YamlJsonReader reader, string field, string problem)
    {
        var position = reader.PositionOf(field);
        return new PolicyInvalidException(file, position?.Line, position?.Column, field, problem);
    }
}
