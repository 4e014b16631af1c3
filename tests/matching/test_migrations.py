"""Migration 0003 keeps the texts of earlier runs when explanations became per language."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from matching.models import MatchingRun, Proposal, UnfilledSlot
from tests.matching.factories import proposal_in_home

BEFORE = [("matching", "0002_unfilledslot_proposalrejection")]
AFTER = [("matching", "0003_explanations_per_language")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_texts_survive_the_move_to_per_language_and_back(world):
    proposal = proposal_in_home(
        world,
        explanations={"nb": "Sykepleier · ingen ekstra kostnad", "en": "Nurse · no extra cost"},
        alternatives=[{"worker": 1, "name": "A", "cost": 1, "reason": {"nb": "ledig"}}],
    )
    UnfilledSlot.objects.create(
        run=MatchingRun.objects.get(), shift=proposal.shift, reasons={"nb": "ingen er ledig"}
    )
    try:
        old = _migrate(BEFORE)
        p = old.get_model("matching", "Proposal").objects.get()
        assert p.explanation == "Sykepleier · ingen ekstra kostnad"  # the site's language
        assert p.alternatives[0]["reason"] == "ledig"
        assert old.get_model("matching", "UnfilledSlot").objects.get().reason == "ingen er ledig"
    finally:
        _migrate(AFTER)
        # Going back unapplied later migrations of other apps too; the rest of the suite needs them.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    proposal = Proposal.objects.get()
    assert proposal.explanations == {"nb": "Sykepleier · ingen ekstra kostnad"}
    assert proposal.alternatives[0]["reason"] == {"nb": "ledig"}
    assert UnfilledSlot.objects.get().reasons == {"nb": "ingen er ledig"}
