"""The names and papers the example partnership is told from (see shared/seeds)."""

from dataclasses import dataclass

LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
BURNLEY = "Burnley Borough Council"

LSSCC = "Lancashire Shared Services Contact Centre"
PENNINE_IT = "Pennine Lancashire IT Services"
SCRUTINY_PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"
SUB_GROUP = "Partnership Sub-Group"

MINUTES_2006 = (
    "Chorley Corporate & Customer Overview & Scrutiny Panel, Partnership Sub-Group, "
    "minutes of 26 October 2006"
)
UPDATE_2007 = (
    "Chorley Corporate & Customer Overview & Scrutiny Panel, 20 November 2007, item 6: "
    "Monitoring of Inquiry Recommendations, updated report of the Corporate Director of People"
)
BURNLEY_EXECUTIVE_2008 = (
    "Burnley Borough Council, report to the Executive, 24 June 2008: Corporate Customer "
    "Service Charter (report author Rob Dobson)"
)
BURNLEY_2008 = (
    "Burnley Borough Council, report to Full Council, 9 July 2008, Customer Access & "
    "Community Engagement portfolio"
)
BURNLEY_2011 = (
    "Burnley Borough Council, report to Full Council, 1 September 2011, "
    "Customer Access & Community Engagement portfolio"
)


@dataclass(frozen=True)
class Update:
    text: str
    by_county: bool  # the paper marks the County's own responses "LCC -"
    status: str | None


@dataclass(frozen=True)
class Recommendation:
    number: str
    text: str
    updates: tuple[Update, ...]


# Chorley's inquiry recommendations and their updates of 20 November 2007, word for word.
RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation(
        "4a",
        (
            "To support the refined long term vision of the Partnership to deliver Lancashire "
            "County Council and District partner services and to support the refined vision "
            "statement."
        ),
        (
            Update(
                (
                    "A three year vision statement has been agreed with an associated action "
                    "plan. The initial aim of this is to implement Front Office which is on "
                    "target."
                ),
                True,
                "in_progress",
            ),
        ),
    ),
    Recommendation(
        "4b",
        (
            "To ensure that the governance arrangements for the Partnership are effective by "
            "revisiting the terms of reference for the Joint Committee and to review the vision "
            "and project plan every 6 months and monitoring effectively the timescales set down "
            "in the project plan."
        ),
        (
            Update(
                (
                    "Governance arrangements and terms of reference for the Joint Committee have "
                    "been revised and agreed. There have not yet been any subsequent meetings as "
                    "the focus has temporarily shifted to the CRM implementation."
                ),
                False,
                "implemented",
            ),
        ),
    ),
    Recommendation(
        "4c",
        (
            "To develop a mechanism for Partner Districts, Lancashire County Council and the "
            "contractor for effective communication."
        ),
        (
            Update(
                (
                    "Northgate now present in both Programme and Partnership Board meetings to "
                    "discuss progress and any difficulties with the project implementation."
                ),
                False,
                None,
            ),
            Update(
                ("LCC also have weekly meetings with Northgate."),
                True,
                "implemented",
            ),
        ),
    ),
    Recommendation(
        "4d",
        (
            "To make the Joint Committee meeting effective it is suggested that the quorum is "
            "changed to a majority vote system with absent partners given the opportunity to "
            "respond electronically to any decision."
        ),
        (
            Update(
                (
                    "As part of the revised contract arrangements, the inter authority agreement "
                    "and constitution was also revised to reflect new decision making "
                    "arrangements."
                ),
                True,
                "implemented",
            ),
        ),
    ),
    Recommendation(
        "5a",
        (
            "For Lancashire County Council to provide Districts access to their Information "
            "systems where necessary to enable delivery of joint services."
        ),
        (
            Update(
                (
                    "The practicalities of this are still being considered as part of the roll "
                    "out of CRM."
                ),
                False,
                None,
            ),
            Update(
                (
                    "The revised vision statement and associated action plan makes provision for "
                    "aiming for shared information services. The first step towards this is being"
                    " made around joining up websites and the first meeting to discuss this was "
                    "held on 30th October."
                ),
                True,
                "in_progress",
            ),
        ),
    ),
    Recommendation(
        "5b",
        (
            "To explore opportunities for joint training between Chorley and Lancashire County "
            "Council in the future."
        ),
        (
            Update(
                (
                    "Whilst joint training is not specifically in the LCC Customer Access "
                    "Strategy joint working and sharing of information is. There is no reason why"
                    " this cannot be considered."
                ),
                True,
                None,
            ),
        ),
    ),
    Recommendation(
        "5c",
        (
            "To support extended opening hours for Contact Chorley facilitated by the Hub and to "
            "publicise emergency contact arrangements in place during out of office hours"
        ),
        (
            Update(
                (
                    "A business case for extended opening hours is currently being prepared. At "
                    "this stage this is looking at 8am -6pm Monday to Friday and Saturday "
                    "morning. Opportunities to share these extended hours if accepted will then "
                    "be sought."
                ),
                True,
                "in_progress",
            ),
        ),
    ),
    Recommendation(
        "5d",
        (
            "To explore joint working on the measurement of customer satisfaction via the "
            "Customer Relationship Management System and to deal with complaints more effectively"
            " across the Partnership."
        ),
        (
            Update(
                (
                    "Focus currently on implementing CRM. The scope of measuring customer "
                    "satisfaction and complaints across the partnership has not yet been explored"
                    " and may prove challenging at this stage."
                ),
                False,
                None,
            ),
            Update(
                (
                    "This is another example of partnership working as expressed in the new "
                    "vision statement."
                ),
                True,
                None,
            ),
        ),
    ),
    Recommendation(
        "5e",
        (
            "To look at other areas of excellent contact centre public/private sector initiatives"
            " and implement these if appropriate across the Partnership."
        ),
        (
            Update(
                (
                    "Taking place as part of the continued development of the Contact Centre. The"
                    " service is represented at the NWEGG 'Customer Services Managers Forum' "
                    "where new ideas and initiatives in customer contact etc are being shared."
                ),
                False,
                "in_progress",
            ),
        ),
    ),
    Recommendation(
        "5f",
        (
            "That any future Lancashire Gateways developments or public service partnerships, "
            "such as Housing Associations, for Chorley be based in the One Stop Shop."
        ),
        (
            Update(
                (
                    "LCC are currently running a pilot on Face to Face which has involved all "
                    "Lancashire District partners but also other public sector organisations and "
                    "community groups. The key outputs of this pilot will be a strategy for face "
                    "to face accompanied by an implementation plan this will take into account "
                    "such local requirements where possible."
                ),
                True,
                "in_progress",
            ),
        ),
    ),
)
