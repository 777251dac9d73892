using System.Text;
using OrgKeyRotation.Cli.Invocation;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>Standard output, or the file of <c>--out</c>, whose folder is prepared before any AWS call.</summary>
internal sealed class OutputTarget
{
    private readonly CliContext _context;
    private readonly string? _path;

    private OutputTarget(CliContext context, string? path)
    {
        _context = context;
        _path = path;
    }

    public bool IsFile => _path is not null;

    /// <summary>Returns null (after printing why) when the file's folder cannot be created.</summary>
    public static OutputTarget? Prepare(CliContext context, string? path)
    {
        if (path is null)
        {
            return new OutputTarget(context, null);
        }

        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return new OutputTarget(context, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            context.Error.WriteLine($"error: --out '{path}' cannot be written: {e.Message}");
            return null;
        }
    }

    public void Write(Action<TextWriter> render, bool quiet)
    {
        if (_path is null)
        {
            render(_context.Out);
            return;
        }

        // Write beside the target and move it in, so a failed run never leaves half a report behind.
        var temporary = _path + ".tmp";
        using (var file = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            render(file);
        }

        File.Move(temporary, _path, overwrite: true);
        if (!quiet)
        {
            _context.Error.WriteLine($"wrote {_path}");
        }
    }
}
