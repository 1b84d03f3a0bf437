using System.Text;
using System.Text.Json;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Tests.Features.Users;

/// <summary>The grid's state travels in the URL: a link or a reload must show the same view, and junk must not matter.</summary>
public sealed class MemberGridStateTests
{
    private static readonly MemberCursor Cursor = new([JsonSerializer.SerializeToElement("Zoë Ångström & co?"), JsonSerializer.SerializeToElement(42)], 1234);

    public static TheoryData<string, MemberGridState> EveryField() => new()
    {
        { "search", new MemberGridState { Filter = new MemberFilter { Search = "Zoë & \"co\" 50%+ #1 ?x=y" } } },
        { "status", new MemberGridState { Filter = new MemberFilter { Status = MemberStatus.PendingActivation } } },
        { "rank", new MemberGridState { Filter = new MemberFilter { Rank = MemberRank.Admin } } },
        { "regular rank", new MemberGridState { Filter = new MemberFilter { Rank = MemberRank.Regular } } },
        { "tag", new MemberGridState { Filter = new MemberFilter { Tag = MemberTag.Guest } } },
        { "group", new MemberGridState { Filter = new MemberFilter { GroupId = Guid.NewGuid() } } },
        { "email confirmed", new MemberGridState { Filter = new MemberFilter { EmailConfirmed = true } } },
        { "email unconfirmed", new MemberGridState { Filter = new MemberFilter { EmailConfirmed = false } } },
        { "must change", new MemberGridState { Filter = new MemberFilter { MustChangePassword = true } } },
        { "no forced change", new MemberGridState { Filter = new MemberFilter { MustChangePassword = false } } },
        { "device", new MemberGridState { Filter = new MemberFilter { DeviceStatus = DeviceStatus.None } } },
        { "sort", new MemberGridState { Sort = new MemberSort(MemberSortField.LastSignInAt) } },
        { "descending default sort", new MemberGridState { Sort = new MemberSort(MemberSortField.DisplayName, true) } },
        { "descending sort", new MemberGridState { Sort = new MemberSort(MemberSortField.Groups, true) } },
        { "page size", new MemberGridState { PageSize = 200 } },
        { "after", new MemberGridState { Anchor = PageAnchor.After, Cursor = Cursor, PageNumber = 7 } },
        { "before", new MemberGridState { Anchor = PageAnchor.Before, Cursor = Cursor, PageNumber = 3 } },
        { "last", new MemberGridState { Anchor = PageAnchor.Last, PageNumber = 12 } },
        { "last with rows", new MemberGridState { Anchor = PageAnchor.Last, PageSize = 25, LastPageRows = 7, PageNumber = 40 } },
        {
            "everything", new MemberGridState
            {
                Filter = new MemberFilter
                {
                    Search = "ab", Status = MemberStatus.LockedOut, Rank = MemberRank.Super, Tag = MemberTag.User, GroupId = Guid.NewGuid(),
                    EmailConfirmed = false, MustChangePassword = true, DeviceStatus = DeviceStatus.Registered,
                },
                Sort = new MemberSort(MemberSortField.Status, true),
                PageSize = 100,
                Anchor = PageAnchor.Before,
                Cursor = Cursor,
                PageNumber = 99_999_999,
            }
        },
    };

    [Theory]
    [MemberData(nameof(EveryField))]
    public void EveryFieldSurvivesTheTripThroughTheUrl(string field, MemberGridState state)
    {
        var query = state.ToQuery();

        var back = MemberGridState.FromQuery(query);

        Assert.True(Same(state, back), $"{field}: {query} came back as {back.ToQuery()}");
        Assert.Equal(query, back.ToQuery());
    }

    [Fact]
    public void TheDefaultViewHasAnEmptyQuery()
    {
        Assert.Equal("", new MemberGridState().ToQuery());
        Assert.True(Same(new MemberGridState(), MemberGridState.FromQuery("")));
        Assert.True(Same(new MemberGridState(), MemberGridState.FromQuery(null)));
        Assert.True(Same(new MemberGridState(), MemberGridState.FromQuery("?")));
    }

    [Fact]
    public void DefaultsAreLeftOutOfTheQuery()
    {
        var query = new MemberGridState { Sort = new MemberSort(MemberSortField.DisplayName), PageSize = 50, PageNumber = 1 }.ToQuery();

        Assert.Equal("", query);
        Assert.Equal("?sort=UserName", new MemberGridState { Sort = new MemberSort(MemberSortField.UserName) }.ToQuery());
        Assert.Equal("?sort=UserName&dir=desc", new MemberGridState { Sort = new MemberSort(MemberSortField.UserName, true) }.ToQuery());
    }

    [Fact]
    public void ABlankSearchIsNoSearch()
    {
        Assert.Equal("", new MemberGridState { Filter = new MemberFilter { Search = "   " } }.ToQuery());
        Assert.Null(MemberGridState.FromQuery("?q=").Filter.Search);
        Assert.True(MemberGridState.FromQuery("?q=").Filter.IsEmpty);
    }

    [Fact]
    public void EnumValuesAreReadIgnoringCase()
    {
        var state = MemberGridState.FromQuery("?status=lockedout&rank=ADMIN&tag=guest&device=pending&sort=createdat&dir=desc&page=last");

        Assert.Equal(
            (MemberStatus.LockedOut, MemberRank.Admin, MemberTag.Guest, DeviceStatus.Pending, new MemberSort(MemberSortField.CreatedAt, true), PageAnchor.Last),
            (state.Filter.Status, state.Filter.Rank, state.Filter.Tag, state.Filter.DeviceStatus, state.Sort, state.Anchor));
    }

    [Theory]
    [InlineData("?status=Banana")]
    [InlineData("?status=99")]
    [InlineData("?status=-1")]
    [InlineData("?rank=Admin,Super")]
    [InlineData("?rank=Emperor")]
    [InlineData("?tag=")]
    [InlineData("?device=7")]
    [InlineData("?group=not-a-guid")]
    [InlineData("?emailConfirmed=yes")]
    [InlineData("?mustChange=1")]
    [InlineData("?sort=PasswordHash")]
    [InlineData("?sort=DisplayName&dir=up")]
    [InlineData("?size=33")]
    [InlineData("?size=-50")]
    [InlineData("?size=100000")]
    [InlineData("?size=fifty")]
    [InlineData("?page=Sideways")]
    [InlineData("?page=After")]
    [InlineData("?page=Before&cursor=junk")]
    [InlineData("?page=After&cursor=")]
    [InlineData("?cursor=W1siYSJdLDFd")]
    [InlineData("?rows=7")]
    [InlineData("?page=Last&rows=0")]
    [InlineData("?page=Last&rows=-3")]
    [InlineData("?page=Last&rows=50")]
    [InlineData("?page=Last&rows=51")]
    [InlineData("?page=Last&rows=many")]
    [InlineData("?n=0")]
    [InlineData("?n=-4")]
    [InlineData("?n=100000000")]
    [InlineData("?n=two")]
    [InlineData("?unknown=1&another")]
    [InlineData("?%zz=%zz&&&==")]
    public void JunkValuesAreIgnored(string query)
    {
        var state = MemberGridState.FromQuery(query);

        Assert.True(Same(new MemberGridState { Anchor = state.Anchor, PageNumber = state.PageNumber }, state), $"{query} was read as {state.ToQuery()}");
        Assert.Equal(1, state.PageNumber);
        Assert.True(state.Anchor is PageAnchor.First or PageAnchor.Last, $"{query} was read as {state.Anchor}");
        Assert.Null(state.LastPageRows);
    }

    [Fact]
    public void JunkNextToGoodValuesLeavesTheGoodValues()
    {
        var state = MemberGridState.FromQuery("?status=Suspended&rank=Emperor&size=33&sort=Email&dir=desc&n=zero&q=bob");

        Assert.Equal(new MemberFilter { Status = MemberStatus.Suspended, Search = "bob" }, state.Filter);
        Assert.Equal(new MemberSort(MemberSortField.Email, true), state.Sort);
        Assert.Equal((50, 1), (state.PageSize, state.PageNumber));
    }

    [Fact]
    public void ASearchLongerThanTheBoxAllowsIsIgnored()
    {
        Assert.Equal(new string('a', 200), MemberGridState.FromQuery("?q=" + new string('a', 200)).Filter.Search);
        Assert.Null(MemberGridState.FromQuery("?q=" + new string('a', 201)).Filter.Search);
    }

    [Fact]
    public void AForgedCursorInTheUrlFallsBackToPageOne()
    {
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("[[{\"x\":1}],1]"));

        var state = MemberGridState.FromQuery($"?page=After&cursor={Uri.EscapeDataString(forged)}&n=5");

        // Back on the first page, which is page 1 whatever the link said.
        Assert.Equal((PageAnchor.First, null, 1), (state.Anchor, state.Cursor, state.PageNumber));
    }

    // ---- the last page ----

    [Fact]
    public void TheLastPageAsksForTheRemainderWhenTheTotalWasKnown()
    {
        var state = new MemberGridState { Anchor = PageAnchor.Last, PageSize = 25, LastPageRows = 7 };

        Assert.Equal(new PageRequest(PageAnchor.Last, null, 7), state.PageRequest);
        Assert.Equal(7, MemberGridState.FromQuery(state.ToQuery()).PageRequest.Size);
    }

    [Fact]
    public void TheLastPageIsFullWhenTheTotalWasNotKnown()
    {
        var state = new MemberGridState { Anchor = PageAnchor.Last, PageSize = 25 };

        Assert.Equal(new PageRequest(PageAnchor.Last, null, 25), state.PageRequest);
        Assert.DoesNotContain("rows=", state.ToQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public void LastPageRowsMatterOnlyOnTheLastPage()
    {
        var after = new MemberGridState { Anchor = PageAnchor.After, Cursor = Cursor, PageSize = 25, LastPageRows = 7 };
        var first = new MemberGridState { PageSize = 25, LastPageRows = 7 };

        Assert.Equal(25, after.PageRequest.Size);
        Assert.Equal(25, first.PageRequest.Size);
        Assert.DoesNotContain("rows=", after.ToQuery(), StringComparison.Ordinal);
        Assert.Null(MemberGridState.FromQuery("?rows=7&size=25").LastPageRows);
    }

    [Fact]
    public void RowsAreOnlyTrustedWhenFewerThanAPage()
    {
        Assert.Equal(24, MemberGridState.FromQuery("?page=Last&size=25&rows=24").LastPageRows);
        Assert.Null(MemberGridState.FromQuery("?page=Last&size=25&rows=25").LastPageRows);
        Assert.Equal(25, MemberGridState.FromQuery("?page=Last&size=25&rows=25").PageRequest.Size);
    }

    // ---- changes ----

    [Fact]
    public void ANewFilterSortOrPageSizeStartsAgainAtTheFirstPage()
    {
        var deep = new MemberGridState { Anchor = PageAnchor.After, Cursor = Cursor, PageNumber = 9, Sort = new MemberSort(MemberSortField.Email) };

        foreach (var changed in new[]
        {
            deep.WithFilter(new MemberFilter { Status = MemberStatus.Active }),
            deep.WithSort(new MemberSort(MemberSortField.Rank, true)),
            deep.WithPageSize(100),
        })
        {
            Assert.Equal((PageAnchor.First, null, 1), (changed.Anchor, changed.Cursor, changed.PageNumber));
            Assert.DoesNotContain("cursor=", changed.ToQuery(), StringComparison.Ordinal);
        }

        Assert.Equal(new MemberSort(MemberSortField.Email), deep.WithFilter(MemberFilter.None).Sort);
        Assert.Equal(new MemberFilter { Status = MemberStatus.Active }, deep.WithFilter(new MemberFilter { Status = MemberStatus.Active }).WithSort(new MemberSort()).Filter);
    }

    /// <summary>Records compare a cursor's values by reference, so cursors are compared by their URL form.</summary>
    private static bool Same(MemberGridState expected, MemberGridState actual) =>
        expected with { Cursor = null } == actual with { Cursor = null } && expected.Cursor?.Encode() == actual.Cursor?.Encode();
}
