// The Node baseline of the end-to-end comparison: the Claude Agent SDK's query() running the same prompt with the same
// claude CLI (CLAUDE_EXECUTABLE) and environment as `claude -p` and `conduit chat`. benchmarks/run.sh copies this file
// next to the SDK it installs (pinned) in .tools/agent-sdk and runs it there.
import { query } from "@anthropic-ai/claude-agent-sdk";

const prompt = process.argv[2] ?? "say hello";
let result = "";
for await (const message of query({
  prompt,
  options: { pathToClaudeCodeExecutable: process.env.CLAUDE_EXECUTABLE, cwd: process.cwd() },
})) {
  if (message.type === "result") {
    result = message.result ?? "";
  }
}

process.stdout.write(result + "\n");
