using Lightshield.Center.Queries;
using MudBlazor;

namespace Lightshield.Center.WebConsole;

/// <summary>Feeds a console table from a center query: the table's page becomes a <see cref="PageRequest"/> (the one
/// paging rule), the query runs in its own unit of work, and a refused filter shows its message instead of rows.</summary>
internal static class ConsolePaging
{
    public static async Task<TableData<T>> LoadAsync<T>(ConsoleWork work, TableState state, Action<string?> problem,
        Func<IServiceProvider, PageRequest, Task<Page<T>>> query)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(problem);
        try
        {
            var page = await work.RunAsync((services, _) => query(services, PageRequest.FromZeroBased(state.Page, state.PageSize)));
            problem(null);
            return new TableData<T> { Items = page.Items, TotalItems = page.Total };
        }
        catch (InvalidRequestException e)
        {
            problem(e.Message);
            return new TableData<T> { Items = [], TotalItems = 0 };
        }
    }
}
