
namespace Lightshield.Quarantine.Format;

/// <summary>The kind of an encrypted record, bound into its associated data. Persisted: values are frozen.</summary>
internal enum RecordKind : byte
{
    Metadata = 1,
    Content = 2,
}
