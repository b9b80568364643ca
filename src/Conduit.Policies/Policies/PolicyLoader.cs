using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Conduit.Policies;

/// <summary>
/// Loads <c>.conduit/policies/&lt;policy_id&gt;/policy.yaml</c> files in either form, validates them against the policy
/// JSON Schema and Conduit's own rules, and discovers the hook scripts beside them. Errors name file, line and field.
/// </summary>
public static class PolicyLoader
{
    /// <summary>The file name of a policy.</summary>
    public const string FileName = "policy.yaml";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    private static readonly (PolicyHookStage Stage, string Key)[] Stages =
    [
        (PolicyHookStage.Init, "init"),
        (PolicyHookStage.BeforeAttempt, "before_attempt"),
        (PolicyHookStage.AfterAttempt, "after_attempt"),
        (PolicyHookStage.OnSuccess, "on_success"),
        (PolicyHookStage.OnFailure, "on_failure"),
    ];

    /// <summary>The policy JSON Schema (draft-07) as shipped in the package.</summary>
    public static string SchemaJson
    {
        get
        {
            using var stream = typeof(PolicyLoader).Assembly.GetManifestResourceStream("Conduit.Policies.policy.schema.json")
                ?? throw new InvalidOperationException("The policy schema resource is missing.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The folder holding a project's policies.</summary>
    public static string PoliciesDirectory(string projectPath) => Path.Combine(projectPath, ".conduit", "policies");

    /// <summary>The stage's hook key (<c>before_attempt</c>) and script name (<c>before_attempt.sh</c>).</summary>
    public static string StageName(PolicyHookStage stage) => Stages.First(s => s.Stage == stage).Key;

    /// <summary>Loads the policy <paramref name="policyId"/> of the project at <paramref name="projectPath"/>.</summary>
    /// <exception cref="PolicyNotFoundException">There is no such policy.</exception>
    /// <exception cref="PolicyInvalidException">The policy is invalid.</exception>
    public static PolicyDefinition Load(string projectPath, string policyId, string? projectId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyId);
        if (policyId.Contains('/', StringComparison.Ordinal) || policyId.Contains('\\', StringComparison.Ordinal) || policyId is "." or "..")
        {
            throw new PolicyNotFoundException(policyId, projectId ?? projectPath);
        }

        var file = Path.Combine(PoliciesDirectory(projectPath), policyId, FileName);
        if (!File.Exists(file))
        {
            throw new PolicyNotFoundException(policyId, projectId ?? projectPath);
        }

        return LoadFile(file);
    }

    /// <summary>Lists the policy folders of a project (those holding a policy.yaml), sorted by id.</summary>
    public static IReadOnlyList<string> ListPolicyIds(string projectPath)
    {
        var root = PoliciesDirectory(projectPath);
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, FileName)))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Loads one policy.yaml.</summary>
    /// <exception cref="PolicyInvalidException">The file is unreadable or invalid.</exception>
    public static PolicyDefinition LoadFile(string policyFilePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyFilePath);
        var file = Path.GetFullPath(policyFilePath);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new PolicyInvalidException(file, null, null, null, $"cannot read the file: {exception.Message}", exception);
        }

        return Parse(text, file);
    }

    /// <summary>Parses policy YAML as if it were the file <paramref name="policyFilePath"/> (which names the folder).</summary>
    /// <exception cref="PolicyInvalidException">The YAML is invalid.</exception>
    public static PolicyDefinition Parse(string yaml, string policyFilePath)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var file = Path.GetFullPath(policyFilePath);
        var (root, positions) = YamlJsonReader.Read(yaml, file);
        if (root is not JsonObject obj)
        {
            throw new PolicyInvalidException(file, 1, 1, null, "a policy must be a YAML mapping with at least policy_id and task_id");
        }

        Validate(obj, file, positions);

        // Element-backed values convert freely (an integer reads as int, long or double).
        var normalized = JsonNode.Parse(obj.ToJsonString())!.AsObject();
        return new PolicyReader(normalized, file, positions).Read();
    }

    private static void Validate(JsonObject root, string file, YamlJsonReader positions)
    {
        var errors = Schema.Value.Validate(root.ToJsonString());
        var first = Flatten(errors).OrderBy(e => e.Kind == ValidationErrorKind.NotOneOf ? 1 : 0).FirstOrDefault();
        if (first is null)
        {
            return;
        }

        var field = FieldPath(first);
        var position = positions.PositionOf(field);
        throw new PolicyInvalidException(file, position?.Line, position?.Column, field.Length == 0 ? null : field, Describe(first));
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError { Kind: ValidationErrorKind.ArrayItemNotValid } child)
            {
                foreach (var nested in Flatten(child.Errors.Values.SelectMany(e => e)))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return error;
            }
        }
    }

    private static string FieldPath(ValidationError error)
    {
        var path = error.Path ?? "";
        if (path.StartsWith('#'))
        {
            path = path[1..];
        }

        path = path.TrimStart('/').Replace('/', '.');
        if (error.Kind is not ValidationErrorKind.PropertyRequired && error.Property is { Length: > 0 } property &&
            !path.EndsWith(property, StringComparison.Ordinal))
        {
            path = path.Length == 0 ? property : $"{path}.{property}";
        }

        return path;
    }

    private static string Describe(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => $"required field \"{error.Property}\" is missing",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown field \"{error.Property}\"",
        ValidationErrorKind.NotInEnumeration => "value is not one of the allowed values" + AllowedValues(error),
        ValidationErrorKind.StringExpected => "a string is expected",
        ValidationErrorKind.IntegerExpected => "an integer is expected",
        ValidationErrorKind.NumberExpected => "a number is expected",
        ValidationErrorKind.BooleanExpected => "true or false is expected",
        ValidationErrorKind.ArrayExpected => "a list is expected",
        ValidationErrorKind.ObjectExpected => "a mapping is expected",
        ValidationErrorKind.NumberTooSmall => "the number is too small",
        ValidationErrorKind.NumberTooBig => "the number is too big",
        ValidationErrorKind.StringTooShort => "the value cannot be empty",
        ValidationErrorKind.NotOneOf => "invalid value (a duration is a number of seconds or text like \"30s\", \"5m\", \"1h\"; workspace is in_place, worktree or {mode, keep_on_failure})",
        _ => $"invalid value ({error.Kind})",
    };

    private static string AllowedValues(ValidationError error)
    {
        var values = error.Schema?.Enumeration;
        return values is { Count: > 0 } ? ": " + string.Join(", ", values.Select(v => v?.ToString())) : "";
    }

    private static JsonSchema LoadSchema() => JsonSchema.FromJsonAsync(SchemaJson).GetAwaiter().GetResult();

    /// <summary>Turns validated JSON into a <see cref="PolicyDefinition"/>, checking the rules the schema cannot express.</summary>
    private sealed class PolicyReader(JsonObject root, string file, YamlJsonReader positions)
    {
        private readonly string _directory = Path.GetDirectoryName(file)!;

        public PolicyDefinition Read()
        {
            var policyId = root["policy_id"]!.GetValue<string>();
            var folder = Path.GetFileName(_directory);
            if (!string.Equals(policyId, folder, StringComparison.Ordinal))
            {
                throw Error("policy_id", $"Policy id mismatch: \"{policyId}\" must equal its folder name \"{folder}\"");
            }

            var retry = root["retry"] as JsonObject;
            var maxAttempts = Conflict("max_attempts", root["max_attempts"], "retry.max_attempts", retry?["max_attempts"], n => n.GetValue<int>()) ?? 1;
            var timeout = Conflict<TimeSpan>("timeout", root["timeout"] is { } t ? Duration(t, "timeout") : null,
                "retry.timeout_seconds", retry?["timeout_seconds"] is { } ts ? Duration(ts, "retry.timeout_seconds") : null);
            var checks = ReadChecks();
            var template = ReadPrompt();

            return new PolicyDefinition
            {
                PolicyId = policyId,
                TaskId = root["task_id"]!.GetValue<string>(),
                Directory = _directory,
                FilePath = file,
                Runner = Runner(root["runner"] as JsonObject),
                PromptTemplate = template,
                Checks = checks,
                Hooks = ReadHooks(),
                MaxAttempts = maxAttempts,
                AttemptTimeout = root["attempt_timeout"] is { } at ? Duration(at, "attempt_timeout") : null,
                Timeout = timeout,
                HookTimeout = root["hook_timeout"] is { } ht ? Duration(ht, "hook_timeout") : TimeSpan.FromMinutes(10),
                Backoff = ReadBackoff(),
                Escalation = ReadEscalation(),
                EscalationRunners = (retry?["escalation"] as JsonArray)?.Select(e => Runner(e!["runner"] as JsonObject)!).ToArray() ?? [],
                Workspace = ReadWorkspace(),
            };
        }

        private PolicyInvalidException Error(string field, string problem)
        {
            var position = positions.PositionOf(field);
            return new PolicyInvalidException(file, position?.Line, position?.Column, field, problem);
        }

        private T? Conflict<T>(string ours, T? oursValue, string theirs, T? theirsValue)
            where T : struct
        {
            if (oursValue is not null && theirsValue is not null && !oursValue.Equals(theirsValue))
            {
                throw Error(theirs, $"conflicts with \"{ours}\"; write only one of them");
            }

            return oursValue ?? theirsValue;
        }

        private int? Conflict(string ours, JsonNode? oursNode, string theirs, JsonNode? theirsNode, Func<JsonNode, int> read) =>
            Conflict(ours, oursNode is null ? null : read(oursNode), theirs, theirsNode is null ? (int?)null : read(theirsNode));

        private TimeSpan Duration(JsonNode node, string field)
        {
            if (node is JsonValue value && value.TryGetValue<double>(out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (node is JsonValue text && text.TryGetValue<long>(out var whole))
            {
                return TimeSpan.FromSeconds(whole);
            }

            if (PolicyDurations.TryParse(node.GetValue<string>(), out var duration))
            {
                return duration > TimeSpan.Zero || field.StartsWith("backoff.", StringComparison.Ordinal)
                    ? duration
                    : throw Error(field, "a timeout must be greater than zero");
            }

            throw Error(field, $"invalid duration \"{node}\"; write seconds or text like \"30s\", \"5m\", \"1h\"");
        }

        private static PolicyRunner? Runner(JsonObject? runner) => runner is null
            ? null
            : new PolicyRunner
            {
                Provider = runner["provider"]!.GetValue<string>().Trim(),
                Model = runner["model"]?.GetValue<string>() is { Length: > 0 } model ? model.Trim() : null,
                Args = (runner["args"] as JsonArray)?.Select(a => a!.GetValue<string>()).ToArray(),
            };

        private List<PolicyCheck> ReadChecks()
        {
            var checks = new List<PolicyCheck>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var node in root["checks"] as JsonArray ?? [])
            {
                var check = (JsonObject)node!;
                var name = check["name"]!.GetValue<string>();
                if (!names.Add(name))
                {
                    throw Error($"checks[{index}].name", $"duplicate check name \"{name}\"");
                }

                var timeout = Conflict<TimeSpan>(
                    $"checks[{index}].timeout", check["timeout"] is { } t ? Duration(t, $"checks[{index}].timeout") : null,
                    $"checks[{index}].timeout_seconds", check["timeout_seconds"] is { } ts ? Duration(ts, $"checks[{index}].timeout_seconds") : null);
                checks.Add(new PolicyCheck
                {
                    Name = name,
                    Command = new PolicyCommand { Text = check["command"]!.GetValue<string>() },
                    OnFail = check["on_fail"]?.GetValue<string>() switch
                    {
                        null or "retry" => CheckFailureAction.Retry,
                        "fail" => CheckFailureAction.Fail,
                        "escalate" => CheckFailureAction.Escalate,
                        _ => CheckFailureAction.Ignore,
                    },
                    Timeout = timeout,
                });
                index++;
            }

            return checks;
        }

        private Dictionary<PolicyHookStage, IReadOnlyList<PolicyCommand>> ReadHooks()
        {
            var hooks = new Dictionary<PolicyHookStage, IReadOnlyList<PolicyCommand>>();
            var yamlHooks = root["hooks"] as JsonObject;
            foreach (var (stage, key) in Stages)
            {
                var commands = (yamlHooks?[key] as JsonArray)?
                    .Select(c => new PolicyCommand { Text = c!.GetValue<string>() })
                    .ToList() ?? [];
                var scriptName = key + ".sh";
                var script = Path.Combine(_directory, scriptName);
                var mentioned = commands.Any(c => c.Text.Trim() == "./" + scriptName || c.Text.Trim().StartsWith("./" + scriptName + " ", StringComparison.Ordinal));
                if (File.Exists(script) && !mentioned)
                {
                    commands.Add(new PolicyCommand { Text = "./" + scriptName, ScriptPath = script });
                }

                if (commands.Count > 0)
                {
                    hooks[stage] = commands;
                }
            }

            return hooks;
        }

        private string? ReadPrompt()
        {
            var inline = root["prompt"]?.GetValue<string>();
            var promptFile = root["prompt_file"]?.GetValue<string>();
            if (inline is not null && promptFile is not null)
            {
                throw Error("prompt_file", "write either \"prompt\" or \"prompt_file\", not both");
            }

            if (inline is not null)
            {
                Placeholders(inline, "prompt", file);
                return inline;
            }

            var path = promptFile is null ? Path.Combine(_directory, "prompt.md") : Path.GetFullPath(Path.Combine(_directory, promptFile));
            if (!File.Exists(path))
            {
                return promptFile is null ? null : throw Error("prompt_file", $"the prompt file \"{path}\" does not exist");
            }

            var template = File.ReadAllText(path);
            Placeholders(template, promptFile is null ? "prompt.md" : "prompt_file", path);
            return template;
        }

        private void Placeholders(string template, string field, string sourceFile)
        {
            foreach (var placeholder in PromptTemplate.Placeholders(template))
            {
                if (!PromptTemplate.IsKnown(placeholder.Name))
                {
                    var problem = $"unknown placeholder {{{{{placeholder.Name}}}}}; known: {string.Join(", ", PromptTemplate.KnownNames)}";
                    if (sourceFile != file)
                    {
                        throw new PolicyInvalidException(sourceFile, placeholder.Line, null, field, problem);
                    }

                    var position = positions.PositionOf(field);
                    throw new PolicyInvalidException(file, position?.Line, position?.Column, field, problem);
                }
            }
        }

        private PolicyBackoff ReadBackoff()
        {
            if (root["backoff"] is not JsonObject backoff)
            {
                return new PolicyBackoff();
            }

            var result = new PolicyBackoff
            {
                Initial = backoff["initial"] is { } i ? Duration(i, "backoff.initial") : TimeSpan.Zero,
                Max = backoff["max"] is { } m ? Duration(m, "backoff.max") : TimeSpan.FromMinutes(5),
                Factor = backoff["factor"]?.GetValue<double>() ?? 2,
                Jitter = backoff["jitter"]?.GetValue<bool>() ?? true,
            };
            if (result.Max < result.Initial)
            {
                throw Error("backoff.max", "must not be smaller than backoff.initial");
            }

            return result;
        }

        private PolicyEscalation? ReadEscalation()
        {
            if (root["escalation"] is not JsonObject escalation)
            {
                return null;
            }

            var runner = Runner(escalation["runner"] as JsonObject);
            var model = escalation["model"]?.GetValue<string>();
            var stop = escalation["stop"] is not null;
            if ((runner is null ? 0 : 1) + (model is null ? 0 : 1) + (stop ? 1 : 0) != 1)
            {
                throw Error("escalation", "write exactly one of \"runner\", \"model\" or \"stop: needs_attention\"");
            }

            return new PolicyEscalation
            {
                AfterFailedAttempts = escalation["after_failed_attempts"]!.GetValue<int>(),
                Runner = runner,
                Model = model,
                StopNeedsAttention = stop,
            };
        }

        private PolicyWorkspace ReadWorkspace()
        {
            return root["workspace"] switch
            {
                null => new PolicyWorkspace(),
                JsonObject obj => new PolicyWorkspace
                {
                    Mode = Mode(obj["mode"]!.GetValue<string>()),
                    KeepOnFailure = obj["keep_on_failure"]?.GetValue<bool>() ?? false,
                },
                var value => new PolicyWorkspace { Mode = Mode(value.GetValue<string>()) },
            };

            static WorkspaceMode Mode(string text) => text == "worktree" ? WorkspaceMode.Worktree : WorkspaceMode.InPlace;
        }
    }
}

/// <summary>Parses policy durations: seconds as a number, or <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>.</summary>
public static class PolicyDurations
{
    /// <summary>Parses <paramref name="text"/>; zero is allowed (a backoff may be none).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var index = value.Length;
        while (index > 0 && char.IsAsciiLetter(value[index - 1]))
        {
            index--;
        }

        if (!double.TryParse(value[..index].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0)
        {
            return false;
        }

        TimeSpan? parsed = value[index..].ToLowerInvariant() switch
        {
            "" or "s" or "sec" => TimeSpan.FromSeconds(amount),
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" or "min" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => null,
        };
        duration = parsed ?? default;
        return parsed is not null;
    }
}
