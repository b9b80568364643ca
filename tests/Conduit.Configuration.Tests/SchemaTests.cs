using NJsonSchema;
using Xunit;

namespace Conduit.Configuration.Tests;

public sealed class SchemaTests : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public async Task Every_key_of_the_schema_has_a_built_in_default_so_config_show_lists_it()
    {
        var schema = await JsonSchema.FromJsonAsync(Parsing.ConfigSchema.ReadSchemaText());
        var defaults = tree.Load(tree.MakeDirectory("w")).ToJson()["conduit"]!.AsObject();
        var missing = new List<string>();

        void Check(JsonSchema objectSchema, System.Text.Json.Nodes.JsonObject values, string path)
        {
            foreach (var (name, property) in objectSchema.ActualSchema.Properties)
            {
                var key = path + "." + name;
                if (key == "conduit.project")
                {
                    continue; // project file only, no default
                }

                if (!values.ContainsKey(name))
                {
                    missing.Add(key);
                }
                else if (property.ActualSchema.Properties.Count > 0 && values[name] is System.Text.Json.Nodes.JsonObject child)
                {
                    Check(property.ActualSchema, child, key);
                }
            }
        }

        Check(schema.Properties["conduit"], defaults, "conduit");

        Assert.Empty(missing);
        Assert.Equal(AgentProviders.All, schema.Properties["conduit"].ActualSchema.Properties["runners"].ActualSchema.Properties.Keys.Order());
    }

    [Fact]
    public void Key_suggestions_use_transpositions_and_ignore_case()
    {
        Assert.Equal(1, Parsing.KeySuggestions.Distance("hots", "host"));
        Assert.Equal("enableDocs", Parsing.KeySuggestions.Nearest("enabledocs", ["port", "enableDocs"]));
        Assert.Null(Parsing.KeySuggestions.Nearest("colour", ["port", "host", "allowInit"]));
    }
}
