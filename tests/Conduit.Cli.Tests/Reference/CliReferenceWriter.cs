using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;

namespace Conduit.Cli.Tests.Reference;

/// <summary>
/// Renders docs/cli-reference.md from the System.CommandLine definitions themselves (<see cref="ConduitCli.BuildRootCommand"/>),
/// so that the reference cannot drift from the commands.
/// </summary>
internal static class CliReferenceWriter
{
    public static string Write(RootCommand root)
    {
        var text = new StringBuilder();
        text.Append("""
            # CLI reference

            <!-- Generated from the command definitions by tests/Conduit.Cli.Tests/Reference/CliReferenceTests.cs.
                 Do not edit by hand: run scripts/update-generated-docs.sh. -->

            Every `conduit` command, argument and option, as defined in `src/Conduit.Cli/Commands`. For what the commands
            are for, with examples, see [cli.md](cli.md); exit codes are listed there too. Every command also accepts
            `-h`/`--help`; `conduit --version` prints the version. Everything after a standalone `--` is passed verbatim to the
            agent CLI, and `conduit "<prompt>"` is short for `conduit chat "<prompt>"`.

            """);
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{Escape(root.Description)}\n\n");

        var commands = Walk(root, "conduit").ToList();
        text.Append("## Commands\n\n| Command | Description |\n| --- | --- |\n");
        foreach (var (path, command) in commands)
        {
            text.Append(CultureInfo.InvariantCulture, $"| [`{path}`](#{Anchor(path)}) | {Escape(FirstSentence(command.Description))} |\n");
        }

        foreach (var (path, command) in commands)
        {
            WriteCommand(text, path, command);
        }

        return text.ToString();
    }

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            var subPath = path + " " + sub.Name;
            yield return (subPath, sub);
            foreach (var nested in Walk(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    private static void WriteCommand(StringBuilder text, string path, Command command)
    {
        text.Append(CultureInfo.InvariantCulture, $"\n## {path}\n\n");
        if (!string.IsNullOrWhiteSpace(command.Description))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Escape(command.Description)}\n\n");
        }

        var aliases = command.Aliases.Order(StringComparer.Ordinal).ToList();
        if (aliases.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Aliases: {string.Join(", ", aliases.Select(a => $"`{a}`"))}.\n\n");
        }

        text.Append("```\n").Append(Usage(path, command)).Append("\n```\n");

        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        if (arguments.Count > 0)
        {
            text.Append("\n| Argument | Description |\n| --- | --- |\n");
            foreach (var argument in arguments)
            {
                text.Append(CultureInfo.InvariantCulture, $"| `{ArgumentToken(argument)}` | {Escape(argument.Description)}{DefaultOf(argument)} |\n");
            }
        }

        var options = command.Options.Where(o => !o.Hidden && o is not HelpOption && o is not VersionOption).ToList();
        if (options.Count > 0)
        {
            text.Append("\n| Option | Description |\n| --- | --- |\n");
            foreach (var option in options)
            {
                var notes = new List<string>();
                if (option.Required)
                {
                    notes.Add("Required.");
                }

                if (option.Arity.MaximumNumberOfValues > 1)
                {
                    notes.Add("Repeatable.");
                }

                if (option.Recursive)
                {
                    notes.Add("Also applies to the subcommands.");
                }

                var description = string.Join(' ', new[] { Escape(option.Description) }.Concat(notes).Where(s => s.Length > 0));
                text.Append(CultureInfo.InvariantCulture, $"| {OptionToken(option)} | {description}{DefaultOf(option)} |\n");
            }
        }

        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (subcommands.Count > 0)
        {
            text.Append("\nSubcommands: ")
                .Append(string.Join(", ", subcommands.Select(c => $"[`{c.Name}`](#{Anchor(path + " " + c.Name)})")))
                .Append(".\n");
        }
    }

    private static string Usage(string path, Command command)
    {
        var parts = new List<string> { path };
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            parts.Add(command.Action is null ? "<command>" : "[command]");
        }

        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(ArgumentToken));
        if (command.Options.Any(o => !o.Hidden && o is not HelpOption && o is not VersionOption))
        {
            parts.Add("[options]");
        }

        return string.Join(' ', parts);
    }

    private static string ArgumentToken(Argument argument)
    {
        var name = argument.HelpName ?? argument.Name;
        var token = $"<{name}>";
        if (argument.Arity.MaximumNumberOfValues > 1)
        {
            token += "...";
        }

        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{token}]" : token;
    }

    private static string OptionToken(Option option)
    {
        var names = new[] { option.Name }.Concat(option.Aliases.Order(StringComparer.Ordinal)).Select(n => $"`{n}`");
        var token = string.Join(", ", names);
        if (option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool))
        {
            var valueName = option.HelpName ?? option.Name.TrimStart('-');
            token += $" `<{valueName}>`";
        }

        return token;
    }

    private static string DefaultOf(Argument argument)
    {
        if (!argument.HasDefaultValue || argument.ValueType == typeof(bool))
        {
            return "";
        }

        var value = argument.GetDefaultValue();
        return value switch
        {
            null => "",
            string s when s.Length == 0 => "",
            IFormattable f => $" Default: `{f.ToString(null, CultureInfo.InvariantCulture)}`.",
            string s => $" Default: `{s}`.",
            _ => "",
        };
    }

    private static string DefaultOf(Option option)
    {
        if (!option.HasDefaultValue || option.ValueType == typeof(bool))
        {
            return "";
        }

        var value = option.GetDefaultValue();
        return value switch
        {
            null => "",
            string s when s.Length == 0 => "",
            IFormattable f => $" Default: `{f.ToString(null, CultureInfo.InvariantCulture)}`.",
            string s => $" Default: `{s}`.",
            _ => "",
        };
    }

    private static string FirstSentence(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        var end = description.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? description : description[..(end + 1)];
    }

    /// <summary>GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped.</summary>
    private static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    /// <summary>One table cell or paragraph of Markdown: one line, pipes escaped, angle brackets shown as text.</summary>
    private static string Escape(string? text) =>
        EscapeAngles((text ?? "").Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal).Trim());

    /// <summary>Angle brackets outside `code spans` shown as text, so that Markdown does not take them for HTML.</summary>
    private static string EscapeAngles(string text)
    {
        var parts = text.Split('`');
        for (var i = 0; i < parts.Length; i += 2)
        {
            parts[i] = parts[i].Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        }

        return string.Join('`', parts);
    }
}
