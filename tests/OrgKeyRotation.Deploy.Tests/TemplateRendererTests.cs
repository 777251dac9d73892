namespace OrgKeyRotation.Deploy.Tests;

[Trait("Category", "Unit")]
public sealed class TemplateRendererTests
{
    private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void Render_InterpolationAndJsonEncode_SubstitutesValues()
    {
        var result = TemplateRenderer.Render("a=${a} b=${jsonencode(b)}", Vars(("a", "x"), ("b", new[] { "1", "2" })));

        Assert.Equal("a=x b=[\"1\",\"2\"]", result);
    }

    [Theory]
    [InlineData(true, false, "[yes]")]
    [InlineData(false, false, "[no]")]
    [InlineData(false, true, "[yes]")]
    public void Render_IfElseWithOr_PicksBranch(bool first, bool second, string expected)
    {
        var result = TemplateRenderer.Render("[%{ if p || q }yes%{ else }no%{ endif }]", Vars(("p", first), ("q", second)));

        Assert.Equal(expected, result);
    }

    [Fact]
    public void Render_NestedIfWithNegation_EvaluatesInnerCondition()
    {
        var template = "%{ if outer }A%{ if !inner },B%{ endif }%{ endif }";

        Assert.Equal("A,B", TemplateRenderer.Render(template, Vars(("outer", true), ("inner", false))));
        Assert.Equal("A", TemplateRenderer.Render(template, Vars(("outer", true), ("inner", true))));
        Assert.Equal("", TemplateRenderer.Render(template, Vars(("outer", false), ("inner", false))));
    }

    [Fact]
    public void Render_StripMarkers_RemoveAdjacentWhitespaceAndNewlines()
    {
        var result = TemplateRenderer.Render("x  \n%{~ if p ~}\n  y\n%{ endif ~}\n z", Vars(("p", true)));

        Assert.Equal("xy\nz", result);
    }

    [Fact]
    public void Render_MissingVariable_ThrowsNamingIt()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => TemplateRenderer.Render("${missing}", Vars()));

        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NonBoolCondition_Throws()
    {
        Assert.Throws<FormatException>(() => TemplateRenderer.Render("%{ if s }x%{ endif }", Vars(("s", "text"))));
    }

    [Theory]
    [InlineData("%{ for x in xs }${x}%{ endfor }")]
    [InlineData("%{ if p }unclosed")]
    [InlineData("${upper(a)}")]
    [InlineData("%{ endif }")]
    public void Render_UnsupportedOrMalformed_Throws(string template)
    {
        Assert.ThrowsAny<Exception>(() => TemplateRenderer.Render(template, Vars(("p", true), ("a", "x"), ("xs", new[] { "1" }))));
    }

    [Fact]
    public void ReferencedVariables_InterpolationsAndConditions_ListsNamesOnce()
    {
        var names = TemplateRenderer.ReferencedVariables("${a} ${jsonencode(b)} %{ if c || !d }${a}%{ else }%{ endif }");

        Assert.Equal(["a", "b", "c", "d"], names.ToArray());
    }
}
