using System.Collections;
using System.Globalization;
using System.Text;
using Conduit.Runners.Processes;

namespace Conduit.FanOut;

/// <summary>Runs the verifier command in a trial's workspace (Harbor-style: exit 0 passes, an optional reward file).</summary>
internal static class TrialVerifier
{
    private const int TailLines = 20;

    public static async Task<VerificationResult> RunAsync(
        string command,
        string workspace,
        FanOutTrial trial,
        string? finalText,
        TimeSpan timeout,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("conduit-verify-");
        try
        {
            var textFile = Path.Combine(scratch.FullName, "final-text.txt");
            var rewardFile = Path.Combine(scratch.FullName, "reward.txt");
            await File.WriteAllTextAsync(textFile, finalText ?? "", cancellationToken).ConfigureAwait(false);

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                environment[(string)entry.Key] = (string?)entry.Value ?? "";
            }

            environment["CONDUIT_FINAL_TEXT_FILE"] = textFile;
            environment["CONDUIT_REWARD_FILE"] = rewardFile;
            environment["CONDUIT_TRIAL_ID"] = trial.TrialId;
            environment["CONDUIT_RUNNER"] = trial.RunnerName;
            environment["CONDUIT_PROVIDER"] = trial.Provider;

            var options = new ChildProcessOptions
            {
                Executable = "/bin/sh",
                Arguments = ["-c", command],
                WorkingDirectory = workspace,
                Environment = environment,
                Timeout = timeout,
                TimeProvider = timeProvider,
            };
            var tail = new Queue<string>();
            ChildProcessExited? exited = null;
            await foreach (var output in ChildProcess.RunAsync(options, cancellationToken).ConfigureAwait(false))
            {
                switch (output)
                {
                    case StandardOutputLine line:
                        Keep(tail, line.Text);
                        break;
                    case StandardErrorLine line:
                        Keep(tail, line.Text);
                        break;
                    case ChildProcessExited end:
                        exited = end;
                        break;
                }
            }

            var passed = exited is { Termination: ChildProcessTermination.Exited, ExitCode: 0 };
            var reward = passed ? 1.0 : 0.0;
            if (File.Exists(rewardFile)
                && double.TryParse((await File.ReadAllTextAsync(rewardFile, CancellationToken.None).ConfigureAwait(false)).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var written)
                && written is >= 0 and <= 1)
            {
                reward = written;
            }

            var text = new StringBuilder();
            foreach (var line in tail)
            {
                text.Append(line).Append('\n');
            }

            if (exited?.Termination is ChildProcessTermination.TimedOut or ChildProcessTermination.IdleTimedOut)
            {
                text.Append(CultureInfo.InvariantCulture, $"[verifier timed out after {timeout}]\n");
            }

            return new VerificationResult
            {
                Passed = passed,
                ExitCode = exited?.ExitCode,
                Reward = reward,
                Duration = exited?.Duration ?? TimeSpan.Zero,
                OutputTail = text.Length == 0 ? null : text.ToString(),
            };
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Keep(Queue<string> tail, string line)
    {
        tail.Enqueue(line);
        if (tail.Count > TailLines)
        {
            tail.Dequeue();
        }
    }
}
