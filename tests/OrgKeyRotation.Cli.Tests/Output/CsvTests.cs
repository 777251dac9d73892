using OrgKeyRotation.Cli.Output;

namespace OrgKeyRotation.Cli.Tests.Output;

public class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-x,y", "\"'-x,y\"")]
    public void Write_TextCell_IsEscaped(string value, string expected)
    {
        using var writer = new StringWriter();

        Csv.Write(writer, ["h"], [[CsvCell.Text(value)]]);

        Assert.Equal($"h\n{expected}\n", writer.ToString());
    }

    [Fact]
    public void Write_RawCell_KeepsLeadingMinus()
    {
        using var writer = new StringWriter();

        Csv.Write(writer, ["age"], [[CsvCell.Raw("-3")]]);

        Assert.Equal("age\n-3\n", writer.ToString());
    }
}
