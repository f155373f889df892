"""The organisation: prefectures, blocks, HQ and branches, fiscal years, and the users with their roles."""

import datetime
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kit import tracked, versions
from lib import normalize, numbers, wareki
from org.roles import ADMIN_ROLES, BRANCH_ROLES, HQ_ROLES, Role
from org.scope import MASTER_DATA, Scope


class Block(versions.Versioned):
    """A regional block of branches for block meetings (R-ORG-2)."""

    number = models.PositiveSmallIntegerField("ブロック番号", unique=True)
    name = models.CharField("ブロック名", max_length=40)

    scope = MASTER_DATA

    class Meta:
        ordering = ["number"]
        verbose_name = verbose_name_plural = "ブロック"

    def __str__(self) -> str:
        return self.name


class Prefecture(models.Model):
    """A prefecture with its JIS X 0401 code (R-ORG-1)."""

    code = models.CharField("都道府県コード", max_length=2, unique=True)
    name = models.CharField("都道府県名", max_length=10, unique=True)
    short_name = models.CharField("略称", max_length=10)

    scope = MASTER_DATA

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "都道府県"

    def __str__(self) -> str:
        return self.name


class Branch(versions.Versioned):
    """One of the 47 prefectural branches (支部); HQ is not a branch (R-ORG-1)."""

    prefecture = models.OneToOneField(
        Prefecture, on_delete=models.PROTECT, verbose_name="都道府県", related_name="branch"
    )
    block = models.ForeignKey(
        Block, on_delete=models.PROTECT, verbose_name="ブロック", related_name="branches"
    )
    name = models.CharField("支部名", max_length=40, unique=True)
    default_coordinators = models.PositiveSmallIntegerField(
        "促進員の標準配置人数",
        default=3,
        help_text="年度ごとの配置人数が未設定のときに使う人数（平成23年度の配置表）",
    )

    default_identification_target = models.PositiveIntegerField(
        "未手続事業把握の標準目標件数",
        default=0,
        help_text="年度ごとの目標が未設定のときに使う件数（平成23年度 別紙3）",
    )

    scope = Scope(branch="pk")

    class Meta:
        ordering = ["prefecture__code"]
        verbose_name = verbose_name_plural = "支部"

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return self.prefecture.code

    def get_additional_data(self) -> dict:
        return {"branch_id": self.pk}


class FiscalYear(models.Model):
    """A fiscal year, 1 April to 31 March, named by the calendar year it starts in (R-ORG-5)."""

    year = models.PositiveSmallIntegerField("年度（西暦）", unique=True)

    scope = MASTER_DATA

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "年度"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return wareki.fiscal_year_label(self.year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 31)

    @property
    def start_label(self) -> str:
        return wareki.format_date(self.start)

    @property
    def end_label(self) -> str:
        return wareki.format_date(self.end)

    @classmethod
    def for_date(cls, day: datetime.date) -> "FiscalYear":
        return cls.objects.get(year=wareki.fiscal_year_of(day))

    @classmethod
    def offered(cls) -> "models.QuerySet[FiscalYear]":
        """The years a page's picker offers, newest first: every year up to the next one (plans and
        targets are made before April), not the far years the calendar holds in advance."""
        return cls.objects.filter(year__lte=wareki.fiscal_year_of(timezone.localdate()) + 1).order_by("-year")

    @classmethod
    def chosen(cls, year: str | None) -> "FiscalYear":
        """The year a page was asked for (``?year=2026``), else the current one."""
        number = numbers.key(year)
        found = cls.objects.filter(year=number).first() if number is not None and number < 10_000 else None
        return found or cls.for_date(timezone.localdate())


class AccountManager(UserManager):
    """Django's manager, with the role and branch checked before the database sees them, so that
    ``createsuperuser`` with any role ends in an account or a clear message, never an IntegrityError."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        role = extra_fields.get("role") or Role.HQ_ADMIN
        if role not in Role.values:
            raise ValidationError(
                f"役割「{role}」はありません。{'、'.join(Role.values)} のいずれかを指定してください。"
            )
        if role in BRANCH_ROLES and not extra_fields.get("branch"):
            raise ValidationError(
                f"役割「{Role(role).label}」には支部が必要です。支部のユーザーは本部管理者が画面の「ユーザー管理」から"
                "支部を指定して作成してください（createsuperuser で作れるのは本部の役割と閲覧者です）。"
            )
        extra_fields["role"] = role
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(username, email, password, **extra_fields)


class User(versions.Versioned, AbstractUser):
    """An account. It belongs to HQ (branch empty) or to one branch; users are disabled, never deleted."""

    first_name = None  # type: ignore[assignment]  # one full name (氏名) instead
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField("氏名", max_length=60)
    full_name_kana = models.CharField("氏名（カナ）", max_length=60, blank=True)
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="所属支部",
        help_text="空欄は本部",
        related_name="users",
    )

    can_pay = models.BooleanField(
        "支払権限", default=False, help_text="口座番号の表示と支払処理ができる本部ユーザー"
    )
    # When the password was changed or the second factor reset: API tokens made before it stop
    # working (api.models.ApiToken.is_usable), as a stolen token should with the credentials it rode on.
    credentials_changed_at = models.DateTimeField("認証情報の変更日時", null=True, blank=True, editable=False)

    # A promoter or instructor sees only their own account among users.
    scope = Scope(branch="branch", assignee="pk", writers=ADMIN_ROLES)

    REQUIRED_FIELDS = ["email", "full_name", "role"]
    objects = AccountManager()  # type: ignore[misc]  # Django's manager with the role check

    class Meta:
        ordering = ["branch__prefecture__code", "role", "username"]
        verbose_name = verbose_name_plural = "ユーザー"
        constraints = [
            # HQ roles have no branch; branch roles have one; a viewer may be either (HQ-wide or one branch).
            models.CheckConstraint(
                condition=Q(role__in=sorted(HQ_ROLES), branch__isnull=True)
                | Q(role__in=sorted(BRANCH_ROLES), branch__isnull=False)
                | Q(role=Role.VIEWER),
                name="user_role_matches_branch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The Django admin is for HQ administrators only; its flags follow the role.
        self.is_staff = self.is_superuser = self.role == Role.HQ_ADMIN
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    def set_password(self, raw_password: str | None) -> None:
        """A new password is a change of credentials: the user's API tokens made before it end."""
        super().set_password(raw_password)
        self.credentials_changed_at = timezone.now()

    def check_password(self, raw_password: str | None) -> bool:
        """Django's check, whose upgrade of an old hash keeps the same password: not a change."""

        def rehash(raw: str) -> None:
            super(User, self).set_password(raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

    @property
    def is_hq(self) -> bool:
        return self.branch_id is None

    @property
    def requires_otp(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def has_payment_permission(self) -> bool:
        # Bank details and payments are HQ business (R-FEE-6), whatever a branch user's flag says.
        return self.is_hq and self.can_pay and self.role in HQ_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.VIEWER

    @property
    def affiliation(self) -> str:
        return "本部" if self.branch is None else self.branch.name


class AssociationStatus(models.TextChoices):
    ACTIVE = "active", "活動中"
    CLOSING = "closing", "解散・廃止の手続中"
    CLOSED = "closed", "解散・廃止"


class Association(tracked.Tracked, versions.Versioned):
    """A labour-insurance affairs association (労働保険事務組合) in a prefecture (R-ORG-3).

    Whether it is a member today is ``is_member``; since when, and the rate at any past date, are
    its membership periods (associations.Membership), which the services keep in step with it.
    """

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="associations"
    )
    name = models.CharField("事務組合名", max_length=100)
    name_kana = models.CharField("事務組合名（カナ）", max_length=100, blank=True)
    representative = models.CharField("代表者氏名", max_length=60, blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    # The labour bureau's approval (労働保険事務組合の認可): what makes it an association at all.
    approval_number = models.CharField("認可番号", max_length=30, blank=True)
    approved_on = models.DateField("認可年月日", null=True, blank=True)
    is_member = models.BooleanField("会員", default=False)
    status = models.CharField(
        "状況", max_length=20, choices=AssociationStatus.choices, default=AssociationStatus.ACTIVE
    )
    status_reason = models.CharField(
        "解散・廃止の理由", max_length=200, blank=True, help_text="後継者不在 など"
    )
    closed_on = models.DateField("解散・廃止日", null=True, blank=True)
    # R-PPL-7: a promoter who represents an association may be appointed only if it has neither.
    had_accounting_accident = models.BooleanField("過去の会計事故等", default=False)
    had_premium_seizure = models.BooleanField("労働保険料等の差押等の滞納処分", default=False)
    # Lists sort by this, not by the name: 第2 before 第10 in the database, whatever the page size.
    sort_key = models.CharField("並び順", max_length=300, editable=False, default="")

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["branch__prefecture__code", "sort_key", "pk"]
        verbose_name = verbose_name_plural = "労働保険事務組合"
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="association_name_per_branch")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from the names on every save that may change them (a save of other named fields
        # leaves it as it is).
        fields = kwargs.get("update_fields")
        if fields is None or {"name", "name_kana"} & set(fields):
            self.sort_key = normalize.natural_key(self.name_kana or self.name)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "sort_key"}
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}


class BranchRevision(models.Model):
    """A number that changes whenever records a branch's figures are counted from change, so pages can
    keep counted figures (the target dashboards') until the branch's records change (org.revisions)."""

    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, primary_key=True, related_name="+")
    revision = models.BigIntegerField("改訂番号")

    class Meta:
        verbose_name = verbose_name_plural = "支部の記録の改訂番号"

    def __str__(self) -> str:
        return f"{self.branch_id}: {self.revision}"


class Office(versions.Versioned):
    """What the labour bureau and its offices have in common: a name and how to reach them."""

    name = models.CharField("名称", max_length=100)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    department = models.CharField("担当部署", max_length=100, blank=True)
    contact = models.CharField("担当者", max_length=60, blank=True)
    email = models.EmailField("メールアドレス", blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class LabourBureau(Office):
    """The prefecture's labour bureau (都道府県労働局, R-ORG-4): the councils' counterpart."""

    prefecture = models.OneToOneField(
        Prefecture, on_delete=models.PROTECT, related_name="bureau", verbose_name="都道府県"
    )

    # A branch reads and keeps its own prefecture's bureau; HQ every one.
    scope = Scope(branch="prefecture__branch")

    class Meta:
        ordering = ["prefecture__code"]
        verbose_name = verbose_name_plural = "都道府県労働局"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.prefecture.branch.pk}


class BureauOffice(Office):
    """An office under a bureau (R-ORG-4): the two kinds differ only in what they do."""

    bureau = models.ForeignKey(LabourBureau, on_delete=models.PROTECT, verbose_name="労働局")
    area = models.TextField("管轄区域", blank=True, help_text="管轄する市区町村")

    scope = Scope(branch="bureau__prefecture__branch")

    class Meta:
        abstract = True
        ordering = ["bureau__prefecture__code", "name"]

    def get_additional_data(self) -> dict:
        return {"branch_id": self.bureau.prefecture.branch.pk}


class InspectionOffice(BureauOffice):
    """労働基準監督署: labour standards inspection office, where 労災保険 is handled."""

    class Meta(BureauOffice.Meta):
        verbose_name = verbose_name_plural = "労働基準監督署"
        default_related_name = "inspection_offices"


class EmploymentOffice(BureauOffice):
    """公共職業安定所 (ハローワーク): public employment security office, where 雇用保険 is handled."""

    class Meta(BureauOffice.Meta):
        verbose_name = verbose_name_plural = "公共職業安定所"
        default_related_name = "employment_offices"
