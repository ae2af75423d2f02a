namespace Lightshield.Center.Queries;

/// <summary>One page of a list, numbered from 1. The one paging rule of the center: the REST API and the console both
/// build their pages here, so a page size the center refuses is refused the same way in both.</summary>
public sealed record PageRequest
{
    /// <summary>Rows per page when the caller names none.</summary>
    public const int DefaultSize = 50;

    /// <summary>The most rows one page may hold.</summary>
    public const int MaxSize = 500;

    private PageRequest(int number, int size)
    {
        Number = number;
        Size = size;
    }

    /// <summary>Page number, from 1.</summary>
    public int Number { get; }

    /// <summary>Rows per page, 1 to <see cref="MaxSize"/>.</summary>
    public int Size { get; }

    /// <summary>Rows before this page.</summary>
    public int Skip => (Number - 1) * Size;

    /// <summary>The page asked for (defaults: page 1, <see cref="DefaultSize"/> rows); throws
    /// <see cref="InvalidRequestException"/> naming every problem when it is outside the rule.</summary>
    public static PageRequest Of(int? page, int? pageSize)
    {
        InvalidRequestException.ThrowIfAny(
            page is < 1 ? "'page' must be 1 or more." : null,
            pageSize is < 1 or > MaxSize ? $"'pageSize' must be between 1 and {MaxSize}." : null);
        return new PageRequest(page ?? 1, pageSize ?? DefaultSize);
    }

    /// <summary>A page of a table that counts its pages from 0 (the console's tables).</summary>
    public static PageRequest FromZeroBased(int pageIndex, int pageSize) => Of(pageIndex + 1, pageSize);
}
