"""Placements and the onboarding checklist move from `staffing` into their own app.

No data moves: the models keep their tables (`Meta.db_table = "staffing_..."`), their indexes,
and the PostgreSQL exclusion constraint on staffing_placementshift. This migration only tells
Django's state that the models now belong here (staffing's 0005 forgets them); then it renames
the content types, so permissions and admin history stay attached, and the object types of the
audit trail.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = [
    "checklisttemplate",
    "placement",
    "employmentcontract",
    "placementshift",
    "policecertificate",
    "checklistitem",
]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("staffing", "AuditEntry")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
        AuditEntry.objects.filter(object_type=f"{old}.{model}").update(
            object_type=f"{new}.{model}"
        )


def forwards(apps, schema_editor):
    _relabel(apps, "staffing", "placements")


def backwards(apps, schema_editor):
    _relabel(apps, "placements", "staffing")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('needs', '0002_initial'),
        ('staffing', '0004_checklist_templates'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChecklistTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('employee', 'Internal employee'), ('volunteer', 'Volunteer'), ('agency', 'Agency temp')], max_length=20, verbose_name='source')),
                        ('item_type', models.CharField(choices=[('police_certificate', 'Police certificate'), ('agency_police_confirmation', "Agency's confirmation of police certificate"), ('contract', 'Employment contract'), ('hr_registration', 'Registration in HR/payroll'), ('confidentiality', 'Confidentiality declaration'), ('introduction', 'Introduction'), ('home_leader_confirmation', 'Confirmation from home unit leader'), ('system_access', 'System access')], max_length=40, verbose_name='item type')),
                        ('title', models.CharField(blank=True, help_text="Leave empty to use the item type's name.", max_length=150, verbose_name='title')),
                        ('required', models.BooleanField(default=True, verbose_name='required')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('applies_when', models.CharField(choices=[('always', 'Always'), ('need_requires_police_certificate', 'Only if the need requires a police certificate')], default='always', max_length=40, verbose_name='applies when')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'verbose_name': 'checklist template item',
                        'verbose_name_plural': 'checklist template items',
                        'db_table': 'staffing_checklisttemplate',
                        'ordering': ['source', 'order', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('source', 'item_type'), name='checklist_template_one_type_per_source')],
                    },
                ),
                migrations.CreateModel(
                    name='Placement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('ended', 'Ended')], default='active', max_length=20, verbose_name='status')),
                        ('approved_at', models.DateTimeField(verbose_name='approved at')),
                        ('ready_at', models.DateTimeField(blank=True, help_text='When every required onboarding item was done or not applicable.', null=True, verbose_name='ready at')),
                        ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended at')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for ending')),
                        ('approved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approved_placements', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('need', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='needs.need', verbose_name='need')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='staffing.unit', verbose_name='unit')),
                        ('worker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='staffing.worker', verbose_name='worker')),
                    ],
                    options={
                        'verbose_name': 'placement',
                        'verbose_name_plural': 'placements',
                        'db_table': 'staffing_placement',
                        'ordering': ['-approved_at'],
                    },
                ),
                migrations.CreateModel(
                    name='EmploymentContract',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('contract_type', models.CharField(choices=[('temporary', 'Temporary employment'), ('extended_position', 'Extended position for part-time staff'), ('none', 'No new contract')], max_length=20, verbose_name='contract type')),
                        ('legal_ground', models.CharField(blank=True, choices=[('a', '(a) the work is of a temporary nature'), ('b', '(b) work as a substitute for another person or persons'), ('c', '(c) practical training'), ('d', '(d) participants in labour market schemes'), ('e', '(e) sports')], max_length=1, verbose_name='legal ground (aml. § 14-9 (2))')),
                        ('starts_on', models.DateField(blank=True, null=True, verbose_name='start')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('placement', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contract', to='placements.placement', verbose_name='placement')),
                    ],
                    options={
                        'verbose_name': 'employment contract',
                        'verbose_name_plural': 'employment contracts',
                        'db_table': 'staffing_employmentcontract',
                    },
                ),
                migrations.CreateModel(
                    name='PlacementShift',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.DateTimeField(verbose_name='start')),
                        ('end', models.DateTimeField(verbose_name='end')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to='placements.placement')),
                        ('shift', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placement_shifts', to='needs.shift')),
                        ('worker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staffing.worker')),
                    ],
                    options={
                        'verbose_name': 'placement shift',
                        'verbose_name_plural': 'placement shifts',
                        'db_table': 'staffing_placementshift',
                        'ordering': ['start'],
                    },
                ),
                migrations.CreateModel(
                    name='PoliceCertificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('health_care', 'Health and care services (helse- og omsorgstjenesteloven § 5-4)'), ('kindergarten', 'Kindergarten (barnehageloven § 19)'), ('school', 'School (opplæringslova § 19-2)')], max_length=30, verbose_name='purpose (legal basis)')),
                        ('issued_on', models.DateField(verbose_name='issue date')),
                        ('presented_on', models.DateField(verbose_name='date presented')),
                        ('cleared', models.BooleanField(default=False, verbose_name='cleared')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                        ('checked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='checked by')),
                        ('worker', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='police_certificates', to='staffing.worker', verbose_name='worker')),
                    ],
                    options={
                        'verbose_name': 'police certificate record',
                        'verbose_name_plural': 'police certificate records',
                        'db_table': 'staffing_policecertificate',
                        'ordering': ['-presented_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ChecklistItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(editable=False, max_length=60)),
                        ('item_type', models.CharField(choices=[('police_certificate', 'Police certificate'), ('agency_police_confirmation', "Agency's confirmation of police certificate"), ('contract', 'Employment contract'), ('hr_registration', 'Registration in HR/payroll'), ('confidentiality', 'Confidentiality declaration'), ('introduction', 'Introduction'), ('home_leader_confirmation', 'Confirmation from home unit leader'), ('system_access', 'System access')], max_length=40, verbose_name='item type')),
                        ('title', models.CharField(max_length=150, verbose_name='title')),
                        ('required', models.BooleanField(default=True, verbose_name='required')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('status', models.CharField(choices=[('todo', 'To do'), ('in_progress', 'In progress'), ('done', 'Done'), ('not_applicable', 'Not applicable')], default='todo', max_length=20, verbose_name='status')),
                        ('not_applicable_reason', models.CharField(blank=True, max_length=200, verbose_name='reason not applicable')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                        ('access_ordered_on', models.DateField(blank=True, null=True, verbose_name='access ordered')),
                        ('access_granted_on', models.DateField(blank=True, null=True, verbose_name='access granted')),
                        ('overdue_notified_on', models.DateField(blank=True, editable=False, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                        ('it_system', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staffing.itsystem', verbose_name='IT system')),
                        ('template', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='placements.checklisttemplate')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checklist_items', to='placements.placement', verbose_name='placement')),
                        ('police_certificate', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='placements.policecertificate', verbose_name='police certificate record')),
                    ],
                    options={
                        'verbose_name': 'checklist item',
                        'verbose_name_plural': 'checklist items',
                        'db_table': 'staffing_checklistitem',
                        'ordering': ['placement', 'order', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='placement',
                    index=models.Index(fields=['worker', 'status'], name='staffing_pl_worker__7df864_idx'),
                ),
                migrations.AddIndex(
                    model_name='placement',
                    index=models.Index(fields=['need'], name='staffing_pl_need_id_aff1c5_idx'),
                ),
                migrations.AddIndex(
                    model_name='placementshift',
                    index=models.Index(fields=['worker', 'start'], name='staffing_pl_worker__6f0c6f_idx'),
                ),
                migrations.AddIndex(
                    model_name='placementshift',
                    index=models.Index(fields=['shift'], name='staffing_pl_shift_i_a96aff_idx'),
                ),
                migrations.AddConstraint(
                    model_name='placementshift',
                    constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='placement_shift_end_after_start'),
                ),
                migrations.AddIndex(
                    model_name='policecertificate',
                    index=models.Index(fields=['worker', 'purpose', 'cleared'], name='staffing_po_worker__e5e408_idx'),
                ),
                migrations.AddIndex(
                    model_name='checklistitem',
                    index=models.Index(fields=['status', 'due_on'], name='staffing_ch_status_b2e3d9_idx'),
                ),
                migrations.AddConstraint(
                    model_name='checklistitem',
                    constraint=models.UniqueConstraint(fields=('placement', 'key'), name='checklist_item_unique_key'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
