using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThermoHand.Calibration;

/// <summary>
/// The site-calibration file (<c>*.thcal.json</c>, docs/calibration.md): a JSON envelope
/// <c>{"format":"thermohand-site-calibration","formatVersion":1,"body":{…},"sha256":"…"}</c> where <c>sha256</c> is
/// the SHA-256 of the body's exact UTF-8 text. Any edit to the body — a flipped digit, a re-indented file — is caught,
/// so a damaged calibration is refused rather than silently mis-correcting every pixel.
/// </summary>
public static class SiteCalibrationFile
{
    public const string FormatName = "thermohand-site-calibration";
    public const int FormatVersion = 1;
    public const string Extension = ".thcal.json";

    /// <summary>Files larger than this are refused before parsing (a real one is ≈ 40 KB).</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions BodyOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The file's text for <paramref name="calibration"/>.</summary>
    public static string ToText(SiteCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var body = new Body
        {
            SensorId = calibration.SensorId,
            Version = calibration.Version,
            CreatedUtc = calibration.CreatedUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ExpiresUtc = calibration.ExpiresUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            Gain = calibration.Gain.ToArray(),
            OffsetCelsius = calibration.OffsetCelsius.ToArray(),
            BadPixels = calibration.BadPixels.ToArray(),
            Quality = calibration.Quality,
        };
        string bodyText = JsonSerializer.Serialize(body, BodyOptions);
        var text = new StringBuilder();
        text.Append("{\"format\":\"").Append(FormatName).Append("\",\"formatVersion\":").Append(FormatVersion)
            .Append(",\"body\":").Append(bodyText)
            .Append(",\"sha256\":\"").Append(Sha256Hex(bodyText)).Append("\"}\n");
        return text.ToString();
    }

    /// <summary>Writes the file atomically (temporary file, flush to disk, rename), so a crash never leaves half a calibration.</summary>
    public static void Write(string path, SiteCalibration calibration)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text = ToText(calibration);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads and checks a file; throws <see cref="CalibrationFileException"/> saying what is wrong.</summary>
    public static SiteCalibration Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CalibrationFileException(path, "no such calibration file");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new CalibrationFileException(path, $"{info.Length} bytes is too large for a calibration file (at most {MaxFileBytes})");
            }

            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CalibrationFileException(path, $"cannot be read ({e.Message})", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks a file's text; <paramref name="name"/> is used in messages (a path or an upload's name).</summary>
    public static SiteCalibration Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        if (text.Length > MaxFileBytes)
        {
            throw new CalibrationFileException(name, $"too large for a calibration file (at most {MaxFileBytes} bytes)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new CalibrationFileException(name, $"not valid JSON (line {e.LineNumber + 1}): the file is damaged or not a calibration file", e);
        }
        catch (ArgumentException e)
        {
            // Text holding a lone UTF-16 surrogate cannot be transcoded to UTF-8: no calibration file contains it.
            throw new CalibrationFileException(name, "not valid JSON text (it holds a broken Unicode character): the file is damaged or not a calibration file", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != FormatName)
            {
                throw new CalibrationFileException(name, $"not a ThermoHand site calibration (\"format\" must be \"{FormatName}\")");
            }

            if (!root.TryGetProperty("formatVersion", out JsonElement formatVersion) || formatVersion.ValueKind != JsonValueKind.Number
                || !formatVersion.TryGetInt32(out int v) || v != FormatVersion)
            {
                throw new CalibrationFileException(name, $"format version {(root.TryGetProperty("formatVersion", out JsonElement fv) ? fv.GetRawText() : "missing")} is not supported (this software reads version {FormatVersion})");
            }

            if (!root.TryGetProperty("body", out JsonElement body) || body.ValueKind != JsonValueKind.Object)
            {
                throw new CalibrationFileException(name, "the \"body\" object is missing");
            }

            if (!root.TryGetProperty("sha256", out JsonElement sha) || sha.ValueKind != JsonValueKind.String)
            {
                throw new CalibrationFileException(name, "the \"sha256\" checksum is missing");
            }

            string expected = sha.GetString()!;
            string actual = Sha256Hex(body.GetRawText());
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new CalibrationFileException(name, "checksum mismatch: the file was changed or damaged after it was made; recalibrate or restore the file from the calibration/ directory's history");
            }

            Body? content;
            try
            {
                content = body.Deserialize<Body>(BodyOptions);
            }
            catch (JsonException e)
            {
                throw new CalibrationFileException(name, $"the body does not have the documented fields ({e.Message})", e);
            }

            if (content is null)
            {
                throw new CalibrationFileException(name, "the body is empty");
            }

            try
            {
                return new SiteCalibration(
                    content.SensorId ?? throw new ArgumentException("\"sensorId\" is missing"),
                    content.Version,
                    ParseTime(content.CreatedUtc, "createdUtc"),
                    ParseTime(content.ExpiresUtc, "expiresUtc"),
                    content.Gain ?? throw new ArgumentException("\"gain\" is missing"),
                    content.OffsetCelsius ?? throw new ArgumentException("\"offsetCelsius\" is missing"),
                    content.BadPixels ?? [],
                    content.Quality ?? throw new ArgumentException("\"quality\" is missing"));
            }
            catch (ArgumentException e)
            {
                throw new CalibrationFileException(name, $"inconsistent content: {e.Message}", e);
            }
        }
    }

    /// <summary>The file name a calibration is stored under inside its sensor's folder, e.g. "v0003.thcal.json".</summary>
    public static string FileNameFor(int version) => string.Create(CultureInfo.InvariantCulture, $"v{version:D4}{Extension}");

    internal static string Sha256Hex(string bodyText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bodyText)));

    private static DateTimeOffset ParseTime(string? value, string field) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t)
            ? t
            : throw new ArgumentException($"\"{field}\" is not a date and time ({value ?? "missing"})");

    private sealed class Body
    {
        public string? SensorId { get; set; }

        public int Version { get; set; }

        public string? CreatedUtc { get; set; }

        public string? ExpiresUtc { get; set; }

        public float[]? Gain { get; set; }

        public float[]? OffsetCelsius { get; set; }

        public int[]? BadPixels { get; set; }

        public CalibrationQuality? Quality { get; set; }
    }
}
